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

/**
 * The largest consensus message, as it travels: one length-prefixed frame of JSON. Every reader and writer
 * of the protocol uses this one figure (the libp2p stream reader's own 4 MiB default once silently reset
 * every full block). A proposal of the largest block and a sync response of one such block with the
 * largest commit both fit (messages.test.ts).
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

/** Blocks per sync response, at most. */
export const SYNC_BATCH = 32
/** Bytes per sync response: a batch ends before it would pass this, but always carries one block. */
export const SYNC_BATCH_BYTES = MAX_MESSAGE_BYTES - 1024 * 1024

/**
 * Bytes from a peer to a message: UTF-8 JSON of the schema's shape, every byte string in canonical base64,
 * or null. Never throws, whatever the bytes (messages.test.ts feeds it generated input).
 */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage | null {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return null
  }
  const parsed = ConsensusMessage.safeParse(json)
  return parsed.success ? parsed.data : null
}
