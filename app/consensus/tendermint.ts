/**
 * The Tendermint consensus algorithm for one validator, as Algorithm 1 of "The latest gossip on BFT
 * consensus" (Buchman, Kwon, Milosevic, 2018) gives it. Comments name the paper's line numbers. The machine
 * is synchronous and owns no I/O: messages, timeouts and built proposals come in as calls; broadcasts,
 * timeout requests, proposal requests, decisions and evidence go out through the host. That is what lets the
 * deterministic simulator run it in virtual time, and the node run it over libp2p (app/consensus/ledger).
 *
 * 2f+1 in the paper is "more than two thirds of the voting power" here, f+1 "more than one third".
 *
 * The paper's variables lockedRound, lockedValue, validRound and validValue must survive a crash: a
 * validator that precommitted v and forgot its lock can prevote for another value in a later round, and two
 * honest validators can then decide different blocks at one height (issue 17, item 16). The host persists
 * them (LockRecord) with every signature, before the signature leaves, and startHeight restores them.
 */
import type { Block, Commit } from './block'
import { blockHash } from './block'
import type { Hash } from './codec'
import type { ValidatorSet } from './state'
import { RoundTally } from './tally'
import type { Proposal, Unsigned, Vote, VoteType } from './votes'
import { entryOf, lockRecordOf, type LockRecord, type ProposalEntry } from './lock-record'

export type Step = 'propose' | 'prevote' | 'precommit'
export type TimeoutKind = 'propose' | 'prevote' | 'precommit'

export interface ConsensusHost {
  /** This validator's address, or null when it only follows the chain. */
  readonly self: string | null
  validators(height: number): ValidatorSet
  proposer(height: number, round: number): string
  /** The paper's valid(v): the full block check, cached by the host. `forCommit` skips the clock bound. */
  isValid(block: Block, forCommit: boolean): boolean
  /** getValue(): the host builds a block (asynchronously) and hands it to proposeBlock(). */
  requestBlock(height: number, round: number): void
  /**
   * Null when the signing guard refuses: this validator already signed something else at or after it.
   * `lock` (null: none at this height) must be durable with the signed position before the signature
   * leaves: a precommit for v is signed only after the lock on v is on disk.
   */
  signVote(vote: Unsigned<Vote>, lock: LockRecord | null): Vote | null
  signProposal(proposal: Unsigned<Proposal>, lock: LockRecord | null): Proposal | null
  /** The valid value changed without a signature following (line 36 in the precommit step): persist it. */
  saveLock(lock: LockRecord): void
  broadcastProposal(proposal: Proposal, block: Block): void
  broadcastVote(vote: Vote): void
  scheduleTimeout(kind: TimeoutKind, height: number, round: number, afterMs: number): void
  /** decision_p[h_p] = v, with the precommits that prove it. */
  decide(block: Block, commit: Commit): void
  equivocation(first: Vote, second: Vote): void
}

export interface Timeouts {
  proposeMs: number
  prevoteMs: number
  precommitMs: number
  deltaMs: number
}

export class Tendermint {
  height = 0
  round = 0
  step: Step = 'propose'
  decided = false
  private lockedValue: ProposalEntry | null = null
  private lockedRound = -1
  private validValue: ProposalEntry | null = null
  private validRound = -1
  /** The four variables above as the host persists them; rebuilt when one of them changes. */
  private lock: LockRecord | null = null
  private validators!: ValidatorSet
  /** Tallies of rounds up to round + 1 only: a vote for a later round is remembered as `roundsSeen`. */
  private rounds = new Map<number, RoundTally>()
  private proposals = new Map<number, ProposalEntry>()
  /** The highest round each validator was seen in at this height (line 55 counts these). */
  private roundsSeen = new Map<string, number>()
  private highestSeen = -1
  private once = new Set<string>()
  /** Messages that arrived for the next height while this one was still running. */
  private early: { proposals: [Proposal, Block][]; votes: Vote[] } = { proposals: [], votes: [] }

  constructor(
    private readonly host: ConsensusHost,
    private readonly chainId: string,
    private readonly timeouts: Timeouts,
  ) {}

  /**
   * Starts a height at round 0 (lines 1–10 and 54: a fresh height resets the locks), or, after a restart,
   * with the lock and valid value this validator persisted at this height.
   */
  startHeight(height: number, restored: LockRecord | null = null): void {
    this.height = height
    this.decided = false
    this.validators = this.host.validators(height)
    this.lockedValue = null
    this.lockedRound = -1
    this.validValue = null
    this.validRound = -1
    this.lock = null
    this.rounds = new Map()
    this.proposals = new Map()
    this.roundsSeen = new Map()
    this.highestSeen = -1
    this.once = new Set()
    if (restored?.height === height) this.restore(restored)
    const early = this.early
    this.early = { proposals: [], votes: [] }
    this.startRound(0)
    for (const [p, b] of early.proposals) this.receiveProposal(p, b)
    for (const v of early.votes) this.receiveVote(v)
  }

  private restore(record: LockRecord): void {
    this.lockedValue = entryOf(record, record.lockedRound)
    this.lockedRound = this.lockedValue == null ? -1 : record.lockedRound
    this.validValue = entryOf(record, record.validRound)
    this.validRound = this.validValue == null ? -1 : record.validRound
    // The proposals behind them were checked when they arrived; with them a quorum of precommits seen
    // again after the restart decides at once (line 49).
    for (const entry of [this.lockedValue, this.validValue])
      if (entry != null) this.proposals.set(entry.proposal.round, entry)
    this.lock = this.lockRecord()
  }

  private lockRecord(): LockRecord | null {
    return lockRecordOf(
      this.height,
      { round: this.lockedRound, entry: this.lockedValue },
      { round: this.validRound, entry: this.validValue },
    )
  }

  /** StartRound (lines 11–21). */
  private startRound(round: number): void {
    this.round = round
    this.step = 'propose'
    if (this.host.proposer(this.height, round) === this.host.self) {
      // A restored valid value may be from a round after this one (a restart begins at round 0); the signing
      // guard refuses to propose there anyway, so the machine asks for a block and times out.
      if (this.validValue != null && this.validRound < round)
        this.propose(this.validValue.block, this.validRound)
      else this.host.requestBlock(this.height, round)
    }
    // The paper schedules this only for non-proposers; a proposer that cannot propose (its signing guard
    // refuses after a restart, or building fails) must still move on, so everyone schedules it.
    this.host.scheduleTimeout('propose', this.height, round, this.timeoutFor('propose', round))
    this.evaluate()
  }

  /** The host's answer to requestBlock: broadcast it if this round still wants it (line 19). */
  proposeBlock(height: number, round: number, block: Block): void {
    if (height !== this.height || round !== this.round || this.step !== 'propose' || this.decided) return
    if (this.proposals.has(round)) return
    this.propose(block, -1)
  }

  private propose(block: Block, validRound: number): void {
    const hash = blockHash(block.header)
    const proposal = this.host.signProposal(
      {
        chainId: this.chainId,
        height: this.height,
        round: this.round,
        validRound,
        blockHash: hash,
        proposer: this.host.self as string,
      },
      this.lock,
    )
    if (proposal == null) return
    this.host.broadcastProposal(proposal, block)
    this.receiveProposal(proposal, block)
  }

  /** A proposal whose signature the host has checked. Only the round's proposer is heard. */
  receiveProposal(proposal: Proposal, block: Block): void {
    if (proposal.height === this.height + 1) {
      if (this.early.proposals.length < 64) this.early.proposals.push([proposal, block])
      return
    }
    if (proposal.height !== this.height || this.decided) return
    if (!this.acceptsRound(proposal.height, proposal.round)) return
    if (proposal.proposer !== this.host.proposer(proposal.height, proposal.round)) return
    const hash = blockHash(block.header)
    if (hash !== proposal.blockHash || this.proposals.has(proposal.round)) return
    this.proposals.set(proposal.round, { proposal, block, hash })
    this.noteRound(proposal.proposer, proposal.round)
    this.evaluate()
  }

  /** A vote whose signature the host has checked against this height's validator set. */
  receiveVote(vote: Vote): void {
    if (vote.height === this.height + 1) {
      if (this.early.votes.length < 4 * 1024) this.early.votes.push(vote)
      return
    }
    if (vote.height !== this.height || this.decided) return
    if (this.validators.powerOf(vote.validator) === 0n) return
    // This validator's own votes signed before a restart are tallied whatever their round.
    if (!this.acceptsRound(vote.height, vote.round) && vote.validator !== this.host.self) {
      // Rounds beyond the next are not tallied (a validator could otherwise make a tally for every round
      // up to 10^6); only the highest one each validator is in counts, toward line 55.
      if (this.noteRound(vote.validator, vote.round)) this.evaluate()
      return
    }
    const earlier = this.tally(vote.round).step(vote.type).add(vote, this.validators)
    if (earlier != null) this.host.equivocation(earlier, vote)
    this.noteRound(vote.validator, vote.round)
    this.evaluate()
  }

  /** Whether a message of this height and round is tallied: rounds up to the current one + 1. */
  acceptsRound(height: number, round: number): boolean {
    return round <= (height === this.height ? this.round : 0) + 1
  }

  /** The highest round `validator` was seen in at this height (−1: none). */
  roundSeen(validator: string): number {
    return this.roundsSeen.get(validator) ?? -1
  }

  private noteRound(validator: string, round: number): boolean {
    if (round <= this.roundSeen(validator)) return false
    this.roundsSeen.set(validator, round)
    if (round > this.highestSeen) this.highestSeen = round
    return true
  }

  /** OnTimeoutPropose, OnTimeoutPrevote, OnTimeoutPrecommit (lines 57–67). */
  timeout(kind: TimeoutKind, height: number, round: number): void {
    if (height !== this.height || round !== this.round || this.decided) return
    if (kind === 'propose' && this.step === 'propose') this.castVote('prevote', null, 'prevote')
    else if (kind === 'prevote' && this.step === 'prevote') this.castVote('precommit', null, 'precommit')
    else if (kind === 'precommit') this.startRound(this.round + 1)
    this.evaluate()
  }

  private castVote(type: VoteType, hash: Hash | null, nextStep: Step): void {
    this.step = nextStep
    if (this.host.self == null || this.validators.powerOf(this.host.self) === 0n) return
    const vote = this.host.signVote(
      {
        type,
        chainId: this.chainId,
        height: this.height,
        round: this.round,
        blockHash: hash,
        validator: this.host.self,
      },
      this.lock,
    )
    if (vote == null) return
    this.host.broadcastVote(vote)
    this.receiveVote(vote)
  }

  /** Applies every rule whose condition holds, until none does. */
  private evaluate(): void {
    for (let progressed = true; progressed && !this.decided;) {
      progressed = this.ruleDecide() || this.ruleSkipRound() || this.rulesForCurrentRound()
    }
  }

  private rulesForCurrentRound(): boolean {
    const r = this.round
    const tally = this.tally(r)
    const entry = this.proposals.get(r)
    const quorum = (power: bigint): boolean => this.validators.isQuorum(power)
    if (this.step === 'propose' && entry != null) {
      const vr = entry.proposal.validRound
      if (vr === -1) {
        // line 22
        const ok =
          this.host.isValid(entry.block, false) &&
          (this.lockedRound === -1 || this.lockedValue?.hash === entry.hash)
        this.castVote('prevote', ok ? entry.hash : null, 'prevote')
        return true
      }
      if (vr < r && quorum(this.tally(vr).prevotes.powerFor(entry.hash))) {
        // line 28
        const ok =
          this.host.isValid(entry.block, false) &&
          (this.lockedRound <= vr || this.lockedValue?.hash === entry.hash)
        this.castVote('prevote', ok ? entry.hash : null, 'prevote')
        return true
      }
    }
    if (this.step === 'prevote' && quorum(tally.prevotes.totalPower) && this.first(`34/${r}`)) {
      // line 34
      this.host.scheduleTimeout('prevote', this.height, r, this.timeoutFor('prevote', r))
    }
    if (
      entry != null &&
      this.step !== 'propose' &&
      quorum(tally.prevotes.powerFor(entry.hash)) &&
      this.host.isValid(entry.block, false) &&
      this.first(`36/${r}`)
    ) {
      // line 36 (validValue is set first, so that a decision reached inside castVote cannot be followed by it)
      this.validValue = entry
      this.validRound = r
      if (this.step === 'prevote') {
        this.lockedValue = entry
        this.lockedRound = r
        this.lock = this.lockRecord()
        // The precommit's signing persists the lock first (ConsensusHost.signVote).
        this.castVote('precommit', entry.hash, 'precommit')
      } else {
        this.lock = this.lockRecord()
        if (this.lock != null && this.host.self != null) this.host.saveLock(this.lock)
      }
      return true
    }
    if (this.step === 'prevote' && quorum(tally.prevotes.powerFor(null))) {
      // line 44
      this.castVote('precommit', null, 'precommit')
      return true
    }
    if (quorum(tally.precommits.totalPower) && this.first(`47/${r}`)) {
      // line 47
      this.host.scheduleTimeout('precommit', this.height, r, this.timeoutFor('precommit', r))
    }
    return false
  }

  /** Line 49: a proposal with precommits of more than two thirds in any round decides the height. */
  private ruleDecide(): boolean {
    for (const [round, entry] of this.proposals) {
      const precommits = this.tally(round).precommits
      if (!this.validators.isQuorum(precommits.powerFor(entry.hash))) continue
      if (!this.host.isValid(entry.block, true)) continue
      this.decided = true
      this.host.decide(entry.block, {
        height: this.height,
        round,
        blockHash: entry.hash,
        votes: precommits.votesFor(entry.hash),
      })
      return true
    }
    return false
  }

  /**
   * Line 55: more than a third of the power is already in a later round, so follow them there. Each
   * validator counts in the highest round it was seen in, and so toward every round up to that one: the
   * target is the highest round that validators of more than a third of the power have reached. At least
   * one of them is honest, so a Byzantine minority cannot drag anyone ahead.
   */
  private ruleSkipRound(): boolean {
    if (this.highestSeen <= this.round) return false
    const ahead = [...this.roundsSeen].filter(([, round]) => round > this.round)
    ahead.sort((a, b) => b[1] - a[1])
    let power = 0n
    for (const [validator, round] of ahead) {
      power += this.validators.powerOf(validator)
      if (this.validators.isOneThird(power)) {
        this.startRound(round)
        return true
      }
    }
    return false
  }

  private tally(round: number): RoundTally {
    let t = this.rounds.get(round)
    if (t == null) {
      t = new RoundTally()
      this.rounds.set(round, t)
    }
    return t
  }

  private first(key: string): boolean {
    if (this.once.has(key)) return false
    this.once.add(key)
    return true
  }

  private timeoutFor(kind: TimeoutKind, round: number): number {
    const base =
      kind === 'propose'
        ? this.timeouts.proposeMs
        : kind === 'prevote'
          ? this.timeouts.prevoteMs
          : this.timeouts.precommitMs
    return base + round * this.timeouts.deltaMs
  }

  /**
   * Everything known at this height: the proposals and every vote received, not only this validator's own.
   * Re-gossiping all of it is what the paper's gossip assumption asks for: a validator that restarted, or
   * missed messages, must still be able to see the prevotes behind another validator's lock (line 28).
   */
  knownMessages(): { proposals: [Proposal, Block][]; votes: Vote[] } {
    const proposals: [Proposal, Block][] = [...this.proposals.values()].map((e) => [e.proposal, e.block])
    const votes: Vote[] = []
    for (const tally of this.rounds.values())
      votes.push(...tally.prevotes.allVotes(), ...tally.precommits.allVotes())
    return { proposals, votes }
  }
}
