/**
 * Tendermint's lockedRound/lockedValue and validRound/validValue at one height, as a validator persists them
 * with its signatures (signing-guard.ts) and takes them up again after a restart (tendermint.ts).
 */
import { blockHash, type Block } from './block'
import type { Hash } from './codec'
import type { Proposal } from './votes'

/** A proposal this validator saw, with its block and the block's hash: what lockedValue and validValue hold. */
export interface ProposalEntry {
  readonly proposal: Proposal
  readonly block: Block
  readonly hash: Hash
}

/**
 * The lock and the valid value at `height` (rounds −1: none). A value's round is its proposal's round, so
 * `values` (one entry when the locked and the valid value are the same proposal) says which is which.
 */
export interface LockRecord {
  readonly height: number
  readonly lockedRound: number
  readonly validRound: number
  readonly values: readonly { readonly proposal: Proposal; readonly block: Block }[]
}

export function lockRecordOf(
  height: number,
  locked: { round: number; entry: ProposalEntry | null },
  valid: { round: number; entry: ProposalEntry | null },
): LockRecord | null {
  if (locked.entry == null && valid.entry == null) return null
  const values = [locked.entry, valid.entry]
    .filter((e): e is ProposalEntry => e != null)
    .filter((e, i, all) => all.findIndex((other) => other.proposal.round === e.proposal.round) === i)
    .map(({ proposal, block }) => ({ proposal, block }))
  return { height, lockedRound: locked.round, validRound: valid.round, values }
}

/** The entry a record holds for `round`, when its block still matches its proposal; else null. */
export function entryOf(record: LockRecord, round: number): ProposalEntry | null {
  const value = round < 0 ? null : record.values.find((v) => v.proposal.round === round)
  if (value == null) return null
  const hash = blockHash(value.block.header)
  return hash === value.proposal.blockHash ? { ...value, hash } : null
}
