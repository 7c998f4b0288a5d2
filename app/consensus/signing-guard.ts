/**
 * Double-signing protection that survives restarts: a validator signs only strictly after the last
 * (height, round, step) it signed, and that position, with the votes signed at its height and the
 * validator's lock there, is durable before a signature leaves the node. One that crashed mid-round then
 * cannot sign a second, different vote for a round it already voted in (which honest peers would rightly
 * report as equivocation), nor forget the block it is locked on.
 */
import type { LockRecord } from './lock-record'
import { signProposal, signVote, type Proposal, type Unsigned, type ValidatorKey, type Vote } from './votes'

export interface SignedPosition {
  readonly height: number
  readonly round: number
  /** 0 proposal, 1 prevote, 2 precommit. */
  readonly step: number
  /**
   * Every vote this validator signed at `height`: after a restart they are counted and gossiped again, and
   * asked for a step it already signed, the validator sends the vote it signed then. Without them a
   * validator that crashed mid-height withholds votes its peers may need for a quorum (simulator seed 692).
   */
  readonly votes: readonly Vote[]
  /**
   * The lock and valid value at `height` (Tendermint's lockedRound/lockedValue, validRound/validValue),
   * written with the signature that depends on them. A validator that restarts takes them up again; one that
   * forgot them could prevote for a block other than the one it precommitted, and the network could fork
   * (issue 17, item 16).
   */
  readonly lock?: LockRecord | null
}

export interface SigningGuard {
  load(): SignedPosition | null
  /** Must be durable before the signature leaves the node. */
  save(position: SignedPosition): void
}

/** Signs a vote unless this validator already signed at or after its step; then returns what it signed there. */
export function guardedVote(
  guard: SigningGuard | undefined,
  key: ValidatorKey,
  vote: Unsigned<Vote>,
  lock: LockRecord | null,
): Vote | null {
  const step = vote.type === 'prevote' ? 1 : 2
  const last = guard?.load() ?? null
  if (order(last, vote.height, vote.round, step) <= 0) {
    // Already past this step: send what was signed for it then, never a new vote.
    return (
      last?.votes.find((v) => v.height === vote.height && v.round === vote.round && v.type === vote.type) ??
      null
    )
  }
  const signed = signVote(vote, key)
  const votes = last?.height === vote.height ? [...last.votes, signed] : [signed]
  guard?.save({ height: vote.height, round: vote.round, step, votes, lock })
  return signed
}

/** Signs a proposal unless this validator already signed at or after it (then null). */
export function guardedProposal(
  guard: SigningGuard | undefined,
  key: ValidatorKey,
  proposal: Unsigned<Proposal>,
  lock: LockRecord | null,
): Proposal | null {
  const last = guard?.load() ?? null
  if (order(last, proposal.height, proposal.round, 0) <= 0) return null
  const votes = last?.height === proposal.height ? last.votes : []
  guard?.save({ height: proposal.height, round: proposal.round, step: 0, votes, lock })
  return signProposal(proposal, key)
}

/**
 * Persists a lock that changed without a signature. Only beside what was signed at the lock's height: a
 * validator that signed nothing there has no lock that could make it equivocate.
 */
export function saveLock(guard: SigningGuard | undefined, lock: LockRecord): void {
  const last = guard?.load() ?? null
  if (last?.height === lock.height) guard?.save({ ...last, lock })
}

/** The order of a position against the last signed one (positive: later). */
function order(last: SignedPosition | null, height: number, round: number, step: number): number {
  if (last == null) return 1
  return height - last.height || round - last.round || step - last.step
}
