/**
 * Vote bookkeeping for one height: per round and step, each validator's first vote, the power behind each
 * block hash (or nil), and the power of everyone who voted at all. A second, different vote from the same
 * validator for the same round and step is equivocation: it is not counted, and both votes are returned as
 * evidence.
 */
import type { ValidatorSet } from './state'
import type { Vote, VoteType } from './votes'

const NIL = 'nil'

export class StepTally {
  readonly votes = new Map<string, Vote>()
  private readonly power = new Map<string, bigint>()
  private anyPower = 0n

  /** Adds a vote; returns the earlier conflicting vote when this one equivocates, else null. */
  add(vote: Vote, validators: ValidatorSet): Vote | null {
    const earlier = this.votes.get(vote.validator)
    if (earlier != null) return earlier.blockHash === vote.blockHash ? null : earlier
    const weight = validators.powerOf(vote.validator)
    this.votes.set(vote.validator, vote)
    const key = vote.blockHash ?? NIL
    this.power.set(key, (this.power.get(key) ?? 0n) + weight)
    this.anyPower += weight
    return null
  }

  powerFor(blockHash: string | null): bigint {
    return this.power.get(blockHash ?? NIL) ?? 0n
  }

  get totalPower(): bigint {
    return this.anyPower
  }

  votesFor(blockHash: string | null): Vote[] {
    return [...this.votes.values()].filter((v) => v.blockHash === blockHash)
  }
}

export class RoundTally {
  readonly prevotes = new StepTally()
  readonly precommits = new StepTally()
  /** Validators seen sending anything in this round (the paper's f+1 rule counts these). */
  readonly senders = new Set<string>()

  step(type: VoteType): StepTally {
    return type === 'prevote' ? this.prevotes : this.precommits
  }
}
