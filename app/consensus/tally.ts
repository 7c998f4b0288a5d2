/**
 * Vote bookkeeping for one round of a height: per step, each validator's first vote, the power behind each
 * block hash (or nil), and the power of everyone who voted at all. A second, different vote from the same
 * validator for the same round and step is equivocation: it is not counted, and both votes are returned as
 * evidence.
 */
import type { ValidatorSet } from './state'
import type { Vote, VoteType } from './votes'

const NIL = 'nil'

export class StepTally {
  /** Each validator's first vote: what the step's total and this validator's own bookkeeping use. */
  readonly votes = new Map<string, Vote>()
  /** Every validly signed vote per block hash (or nil), equivocators' conflicting votes included. */
  private readonly byValue = new Map<string, Map<string, Vote>>()
  private readonly power = new Map<string, bigint>()
  private anyPower = 0n

  /**
   * Adds a vote; returns the earlier conflicting vote when this one equivocates, else null. An
   * equivocator's second vote still counts toward its own value: a quorum for a value is a set of
   * signatures, and one honest node must be able to see the same quorum another honest node saw (a
   * Byzantine validator could have shown either side the other vote anyway). The step's total power
   * counts each validator once.
   */
  add(vote: Vote, validators: ValidatorSet): Vote | null {
    const key = vote.blockHash ?? NIL
    let voters = this.byValue.get(key)
    if (voters == null) {
      voters = new Map()
      this.byValue.set(key, voters)
    }
    const weight = validators.powerOf(vote.validator)
    if (!voters.has(vote.validator)) {
      voters.set(vote.validator, vote)
      this.power.set(key, (this.power.get(key) ?? 0n) + weight)
    }
    const earlier = this.votes.get(vote.validator)
    if (earlier != null) return earlier.blockHash === vote.blockHash ? null : earlier
    this.votes.set(vote.validator, vote)
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
    return [...(this.byValue.get(blockHash ?? NIL)?.values() ?? [])]
  }

  /** Every distinct signed vote, for gossip. */
  allVotes(): Vote[] {
    return [...this.byValue.values()].flatMap((voters) => [...voters.values()])
  }
}

export class RoundTally {
  readonly prevotes = new StepTally()
  readonly precommits = new StepTally()

  step(type: VoteType): StepTally {
    return type === 'prevote' ? this.prevotes : this.precommits
  }
}
