/** What validators and followers send each other, validated on arrival with these schemas. */
import { z } from 'zod'
import { Block, Commit, Evidence } from './block'
import { SignedTx } from './tx'
import { Proposal, Vote } from './votes'

export const CommittedEntry = z.object({ block: Block, commit: Commit }).strict()

export const ConsensusMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('proposal'), proposal: Proposal, block: Block }).strict(),
  z.object({ type: z.literal('vote'), vote: Vote }).strict(),
  /**
   * The sender's last committed height, gossiped so that laggards know to sync, and its round at the next
   * height, so that peers send it only the votes it can tally (rounds up to this one + 1).
   */
  z
    .object({
      type: z.literal('status'),
      height: z.number().int().min(0),
      round: z.number().int().min(0).max(1_000_000).optional(),
    })
    .strict(),
  z.object({ type: z.literal('sync-request'), fromHeight: z.number().int().min(1) }).strict(),
  z.object({ type: z.literal('sync-response'), entries: z.array(CommittedEntry).max(64) }).strict(),
  z.object({ type: z.literal('tx'), tx: SignedTx }).strict(),
  z.object({ type: z.literal('evidence'), evidence: Evidence }).strict(),
])
export type ConsensusMessage = z.infer<typeof ConsensusMessage>
export type CommittedEntry = z.infer<typeof CommittedEntry>

/** Blocks per sync response. */
export const SYNC_BATCH = 32
