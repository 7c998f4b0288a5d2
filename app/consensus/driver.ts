/**
 * One node's consensus participation: it hosts the Tendermint machine over a Chain, a Mempool and a
 * transport, gossips, detects equivocation, and syncs blocks it missed. Time and transport are injected, so
 * the simulator runs this exact code in virtual time, and the node (app/consensus/ledger) runs it over libp2p.
 */
import { blockHash, verifyCommit, type Block, type Commit, type Evidence } from './block'
import type { Chain } from './chain'
import type { Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import { applyEvidence } from './execute'
import { Mempool } from './mempool'
import type { CommittedEntry, ConsensusMessage } from './messages'
import { SyncServer } from './sync-server'
import type { SignedTx } from './tx'
import type { ConsensusProof, NetworkLocation, ProofSigner } from './proofs/consensus-proof'
import type { Plot } from './proofs/space'
import { Tendermint, type ConsensusHost, type TimeoutKind } from './tendermint'
import type { ValidatorSet } from './state'
import {
  offenceKey,
  signProposal,
  signVote,
  verifyProposal,
  verifyVote,
  voteKey,
  type Proposal,
  type Unsigned,
  type Vote,
} from './votes'

export interface Clock {
  now(): number
  /** Runs fn after ms; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void
}

export interface ConsensusTransport {
  broadcast(message: ConsensusMessage): void
  send(peer: string, message: ConsensusMessage): void
}

export interface ValidatorIdentity {
  readonly signer: ProofSigner
  readonly plot: Plot
  readonly location: NetworkLocation
  /** Where the last signed (height, round, step) is kept across restarts; step 0 proposal, 1 prevote, 2 precommit. */
  readonly guard?: SigningGuard
  /** Computes PoTime for the next block ahead, off the consensus thread; absent: proven when proposing. */
  readonly timeProofs?: TimeProofSource
}

/**
 * PoTime depends only on the previous block hash, so it can be proven as soon as a block is committed,
 * before this validator knows it will propose. The node proves it in a worker thread: the VDF (a third of
 * a second at the default parameters) then neither delays the proposal nor blocks the event loop.
 */
export interface TimeProofSource {
  /** Start proving for this anchor (a no-op if it already is). */
  prepare(anchor: Hash, squarings: number): void
  /** The proof when ready; 'pending' while it is being computed; null when it was never asked or failed. */
  take(anchor: Hash, squarings: number): ConsensusProof['time'] | 'pending' | null
}

export interface SignedPosition {
  readonly height: number
  readonly round: number
  readonly step: number
  /**
   * Every vote this validator signed at `height`: after a restart they are counted and gossiped again, and
   * asked for a step it already signed, the validator sends the vote it signed then. Without them a
   * validator that crashed mid-height withholds votes its peers may need for a quorum (simulator seed 692).
   */
  readonly votes: readonly Vote[]
}

export interface SigningGuard {
  load(): SignedPosition | null
  /** Must be durable before the signature leaves the node. */
  save(position: SignedPosition): void
}

export interface DriverEvents {
  committed?(entry: CommittedEntry): void
  /** Something was refused: a message from `peer` (what it was, and why), or a block or own proposal. */
  refused?(what: string, reason: string, peer?: string): void
}

/** What gossip de-duplicates a proposal by. */
const proposalKey = (p: Proposal): string => `p/${p.height}/${p.round}/${p.blockHash}`

export class ConsensusDriver implements ConsensusHost {
  readonly machine: Tendermint
  readonly mempool: Mempool
  /** Evidence waiting for a block, one per offence (offenceKey). */
  readonly evidencePool = new Map<string, Evidence>()
  lastCommit: Commit | null = null
  private readonly reportedInvalid = new Set<string>()
  private readonly relayed = new Set<string>()
  private stopTimers: (() => void)[] = []
  private syncRequestedAt = -Infinity
  private running = false
  private readonly syncServer: SyncServer

  constructor(
    readonly chain: Chain,
    readonly identity: ValidatorIdentity | null,
    readonly clock: Clock,
    readonly transport: ConsensusTransport,
    readonly events: DriverEvents = {},
    readonly gossipIntervalMs = 200,
  ) {
    const p = chain.params
    this.machine = new Tendermint(this, chain.chainId, {
      proposeMs: p.timeoutProposeMs,
      prevoteMs: p.timeoutPrevoteMs,
      precommitMs: p.timeoutPrecommitMs,
      deltaMs: p.timeoutDeltaMs,
    })
    this.mempool = new Mempool(chain.ctx, {}, () => clock.now())
    this.syncServer = new SyncServer(chain.store, () => clock.now(), gossipIntervalMs)
    this.lastCommit = chain.store.get(chain.height)?.commit ?? null
  }

  get self(): string | null {
    return this.identity?.signer.address ?? null
  }

  start(): void {
    this.running = true
    this.prepareTimeProof()
    const height = this.chain.height + 1
    this.machine.startHeight(height)
    // Votes signed at this height before a restart count again, and gossip carries them to the peers.
    for (const vote of this.identity?.guard?.load()?.votes ?? [])
      if (vote.height === height) this.machine.receiveVote(vote)
    this.scheduleGossip()
  }

  stop(): void {
    this.running = false
    for (const cancel of this.stopTimers) cancel()
    this.stopTimers = []
  }

  // ---- ConsensusHost -------------------------------------------------------------------------------

  validators(height: number): ValidatorSet {
    return this.chain.validatorsAt(height)
  }

  proposer(height: number, round: number): string {
    return this.validators(height).proposer(height, round, heightSeed(this.chain.lastHash)).address
  }

  isValid(block: Block, forCommit: boolean): boolean {
    try {
      this.chain.validateBlock(block, { nowMs: this.clock.now(), forCommit })
      return true
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      // The machine asks again on every step; say why once per block.
      const key = `${blockHash(block.header)}/${err.message}`
      if (!this.reportedInvalid.has(key)) {
        this.reportedInvalid.add(key)
        this.events.refused?.(`block ${block.header.height}`, err.message)
      }
      return false
    }
  }

  requestBlock(height: number, round: number): void {
    this.timer(0, () => {
      if (!this.running || this.identity == null || this.machine.height !== height) return
      const time = this.identity.timeProofs?.take(this.chain.lastHash, this.chain.params.proofs.vdfSquarings)
      if (time === 'pending' && this.machine.round === round) {
        // Ready within a fraction of a second; the propose timeout still bounds the wait.
        this.timer(TIME_PROOF_POLL_MS, () => this.requestBlock(height, round))
        return
      }
      let block: Block
      try {
        block = this.buildBlock()
      } catch (err) {
        // Without a block this round times out and the next proposer takes over.
        this.events.refused?.(`own proposal for height ${height}`, (err as Error).message)
        return
      }
      this.machine.proposeBlock(height, round, block)
    })
  }

  /** Builds this validator's block for the next height (a Byzantine test double overrides it). */
  buildBlock(): Block {
    const id = this.identity as ValidatorIdentity
    const time = id.timeProofs?.take(this.chain.lastHash, this.chain.params.proofs.vdfSquarings)
    return this.chain.buildBlock({
      time: time === 'pending' || time == null ? undefined : time,
      signer: id.signer,
      plot: id.plot,
      location: id.location,
      txs: this.mempool.pending(this.chain.params.maxBlockTxs),
      evidence: [...this.evidencePool.values()],
      lastCommit: this.lastCommit,
      timeMs: this.blockTimeMs(),
    })
  }

  /** The timestamp this validator puts in its blocks: its clock. */
  blockTimeMs(): number {
    return this.clock.now()
  }

  signVote(vote: Unsigned<Vote>): Vote | null {
    const step = vote.type === 'prevote' ? 1 : 2
    const last = this.identity?.guard?.load() ?? null
    if (this.guardOrder(last, vote.height, vote.round, step) <= 0) {
      // Already past this step: send what was signed for it then, never a new vote.
      return (
        last?.votes.find((v) => v.height === vote.height && v.round === vote.round && v.type === vote.type) ??
        null
      )
    }
    const signed = signVote(vote, this.validatorKey())
    const votes = last?.height === vote.height ? [...last.votes, signed] : [signed]
    this.identity?.guard?.save({ height: vote.height, round: vote.round, step, votes })
    return signed
  }

  signProposal(proposal: Unsigned<Proposal>): Proposal | null {
    const last = this.identity?.guard?.load() ?? null
    if (this.guardOrder(last, proposal.height, proposal.round, 0) <= 0) return null
    const votes = last?.height === proposal.height ? last.votes : []
    this.identity?.guard?.save({ height: proposal.height, round: proposal.round, step: 0, votes })
    return signProposal(proposal, this.validatorKey())
  }

  /**
   * Double-signing protection that survives restarts: a validator signs only strictly after the last
   * (height, round, step) it signed. One that crashed mid-round cannot then sign a second, different vote
   * for a round it already voted in, which honest peers would rightly report as equivocation.
   * Returns the order of the asked position against the last signed one (positive: later).
   */
  private guardOrder(last: SignedPosition | null, height: number, round: number, step: number): number {
    if (last == null) return 1
    return height - last.height || round - last.round || step - last.step
  }

  broadcastProposal(proposal: Proposal, block: Block): void {
    this.relayed.add(proposalKey(proposal))
    this.transport.broadcast({ type: 'proposal', proposal, block })
  }

  broadcastVote(vote: Vote): void {
    this.relayed.add(`v/${voteKey(vote)}`)
    this.transport.broadcast({ type: 'vote', vote })
  }

  scheduleTimeout(kind: TimeoutKind, height: number, round: number, afterMs: number): void {
    this.timer(afterMs, () => this.running && this.machine.timeout(kind, height, round))
  }

  decide(block: Block, commit: Commit): void {
    this.chain.commit(block, commit)
    this.afterCommit({ block, commit })
    const next = this.chain.height + 1
    this.timer(this.chain.params.blockIntervalMs, () => this.startWhenWanted(next))
  }

  /**
   * Starts the next height now, or (with emptyBlocksEveryMs) once there is something to commit or the
   * empty-block interval has passed. A proposal or vote from a peer that started it starts it too.
   */
  private startWhenWanted(next: number): void {
    if (!this.running || this.machine.height >= next) return
    const every = this.chain.params.emptyBlocksEveryMs
    const wanted =
      every == null ||
      this.evidencePool.size > 0 ||
      this.mempool.hasReady(this.chain.state) ||
      this.clock.now() - this.chain.lastTimeMs >= every
    if (wanted) this.machine.startHeight(next)
    else this.timer(IDLE_POLL_MS, () => this.startWhenWanted(next))
  }

  /** A peer is already at `height`: join it rather than wait for work of our own. */
  private followPeerInto(height: number): void {
    if (this.machine.height < height && this.machine.decided) this.machine.startHeight(height)
  }

  /** A transaction from this node's user: admitted to the pool (or refused with the reason) and gossiped. */
  submit(tx: SignedTx): void {
    if (this.mempool.add(tx, this.chain.state)) this.transport.broadcast({ type: 'tx', tx })
  }

  equivocation(first: Vote, second: Vote): void {
    const evidence: Evidence = { kind: 'duplicate-vote', a: first, b: second }
    const id = offenceKey(first)
    if (this.evidencePool.has(id) || this.chain.state.punished.has(id)) return
    this.evidencePool.set(id, evidence)
    this.transport.broadcast({ type: 'evidence', evidence })
  }

  // ---- network -------------------------------------------------------------------------------------

  /** A message from a peer, already parsed against ConsensusMessage. */
  receive(from: string, message: ConsensusMessage): void {
    if (!this.running) return
    try {
      this.dispatch(from, message)
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      this.events.refused?.(message.type, err.message, from)
    }
  }

  /**
   * Whether a message with transactions is worth verifying their signatures for (the node does that on
   * worker threads before `receive`): its cheap checks come first, so that a proposal from a stranger or
   * for a height long gone, a sync response without the next block, or a transaction from an account that
   * does not exist never costs a signature check per transaction. A refusal is reported as receive's are.
   */
  worthVerifying(from: string, message: ConsensusMessage): boolean {
    if (!this.running) return false
    try {
      switch (message.type) {
        case 'tx':
          return this.mempool.precheck(message.tx, this.chain.state)
        case 'proposal':
          return this.proposalWorthVerifying(message.proposal, message.block)
        case 'sync-response':
          return this.syncWorthVerifying(message.entries)
        default:
          return true
      }
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      this.events.refused?.(message.type, err.message, from)
      return false
    }
  }

  private proposalWorthVerifying(proposal: Proposal, block: Block): boolean {
    const next = this.chain.height + 1
    if (proposal.height < next || proposal.height > next + 1 || this.relayed.has(proposalKey(proposal)))
      return false
    if (blockHash(block.header) !== proposal.blockHash)
      reject('invalid-block', 'the proposed block does not hash to the proposal’s block hash')
    const { scheme, chainId } = this.chain
    // One height ahead (the block before it may still be on its way here), its proposer is not known yet;
    // it must still be a validator now, and have signed it.
    const proposer = proposal.height === next ? this.proposer(next, proposal.round) : proposal.proposer
    verifyProposal(proposal, proposer, this.validators(next), scheme, chainId, this.chain.ctx.cache)
    this.chain.checkBody(block)
    return true
  }

  private syncWorthVerifying(entries: readonly CommittedEntry[]): boolean {
    const next = entries.find((e) => e.block.header.height === this.chain.height + 1)
    if (next == null) return false
    const height = next.block.header.height
    const { scheme, chainId } = this.chain
    const expected = { height, blockHash: blockHash(next.block.header) }
    verifyCommit(next.commit, expected, this.validators(height), scheme, chainId, this.chain.ctx.cache)
    this.chain.checkBody(next.block)
    return true
  }

  private dispatch(from: string, message: ConsensusMessage): void {
    switch (message.type) {
      case 'proposal':
        return this.onProposal(message.proposal, message.block)
      case 'vote':
        return this.onVote(message.vote)
      case 'status':
        this.syncServer.heard(from, message.height)
        if (message.height > this.chain.height) this.requestSync(from)
        return
      case 'sync-request':
        return this.serveSync(from, message.fromHeight)
      case 'sync-response':
        return this.applySync(message.entries)
      case 'tx':
        if (this.mempool.add(message.tx, this.chain.state)) this.transport.broadcast(message)
        return
      case 'evidence':
        return this.onEvidence(message.evidence)
    }
  }

  private onProposal(proposal: Proposal, block: Block): void {
    const key = proposalKey(proposal)
    if (this.relayed.has(key) || !this.knowsHeight(proposal.height)) return
    verifyProposal(
      proposal,
      this.proposer(proposal.height, proposal.round),
      this.validators(proposal.height),
      this.chain.scheme,
      this.chain.chainId,
      this.chain.ctx.cache,
    )
    // Only the body the proposal's block hash stands for is kept and relayed, not one altered on the way.
    this.chain.checkBody(block)
    this.relayed.add(key)
    this.transport.broadcast({ type: 'proposal', proposal, block })
    this.followPeerInto(proposal.height)
    this.machine.receiveProposal(proposal, block)
  }

  private onVote(vote: Vote): void {
    const key = `v/${voteKey(vote)}`
    if (this.relayed.has(key) || !this.knowsHeight(vote.height)) return
    verifyVote(
      vote,
      this.validators(vote.height),
      this.chain.scheme,
      this.chain.chainId,
      this.chain.ctx.cache,
    )
    this.relayed.add(key)
    this.transport.broadcast({ type: 'vote', vote })
    this.followPeerInto(vote.height)
    this.machine.receiveVote(vote)
  }

  private onEvidence(evidence: Evidence): void {
    const id = offenceKey(evidence.a)
    if (this.evidencePool.has(id) || this.chain.state.punished.has(id)) return
    // Kept only if it would be accepted now; applying it to a scratch state checks every signature.
    const scratch = this.chain.state.copy()
    applyEvidence(scratch, evidence, this.chain.ctx)
    this.evidencePool.set(id, evidence)
    this.transport.broadcast({ type: 'evidence', evidence })
  }

  /** Only the next height's validator set is known (a decision commits at once, so that is also the
   * height after a decided one); messages for later heights come back through gossip or sync. */
  private knowsHeight(height: number): boolean {
    return height === this.chain.height + 1
  }

  private requestSync(peer: string): void {
    const now = this.clock.now()
    if (now - this.syncRequestedAt < this.gossipIntervalMs * 2) return
    this.syncRequestedAt = now
    this.transport.send(peer, { type: 'sync-request', fromHeight: this.chain.height + 1 })
  }

  /** Blocks for a peer that is behind, within its request rate (SyncServer). */
  private serveSync(peer: string, fromHeight: number): void {
    const answer = this.syncServer.serve(peer, fromHeight, this.chain.height)
    if (answer == null) return
    if ('refused' in answer) this.events.refused?.('sync-request', answer.refused, peer)
    else this.transport.send(peer, answer.message)
  }

  /** Blocks from a peer: each is checked against its commit certificate and fully validated, in order. */
  private applySync(entries: readonly CommittedEntry[]): void {
    let applied = false
    for (const entry of entries) {
      if (entry.block.header.height !== this.chain.height + 1) continue
      this.chain.commit(entry.block, entry.commit)
      this.afterCommit(entry)
      applied = true
    }
    if (!applied) return
    this.syncRequestedAt = -Infinity
    this.machine.startHeight(this.chain.height + 1)
  }

  /** Starts PoTime ahead only when this validator proposes the next height's first round: every
   * validator proving every block cost seven daemons on two cores more than a second of CPU per block. */
  private prepareTimeProof(): void {
    const source = this.identity?.timeProofs
    if (source == null || this.proposer(this.chain.height + 1, 0) !== this.self) return
    source.prepare(this.chain.lastHash, this.chain.params.proofs.vdfSquarings)
  }

  private afterCommit(entry: CommittedEntry): void {
    this.lastCommit = entry.commit
    this.prepareTimeProof()
    this.mempool.prune(this.chain.state)
    for (const [id] of this.evidencePool) if (this.chain.state.punished.has(id)) this.evidencePool.delete(id)
    this.reportedInvalid.clear()
    this.relayed.clear()
    this.events.committed?.(entry)
  }

  /**
   * Every tick: status and the votes of this height; every 5 s, the waiting transactions. Proposals carry
   * whole blocks (megabytes when full), so they are repeated only every PROPOSAL_GOSSIP_TICKS ticks:
   * resending a full block to every peer five times a second made seven validators spend all their CPU
   * parsing blocks they already had.
   */
  private scheduleGossip(tick = 0): void {
    this.timer(this.gossipIntervalMs, () => {
      if (!this.running) return
      this.transport.broadcast({ type: 'status', height: this.chain.height })
      const known = this.machine.knownMessages()
      if (tick % PROPOSAL_GOSSIP_TICKS === PROPOSAL_GOSSIP_TICKS - 1)
        for (const [proposal, block] of known.proposals)
          this.transport.broadcast({ type: 'proposal', proposal, block })
      for (const vote of known.votes) this.transport.broadcast({ type: 'vote', vote })
      // A transaction whose first broadcast was lost (a full outbox, a stream being reopened) would wait
      // in this pool for ever if only this node had it: an observer never proposes.
      if (tick % TX_GOSSIP_TICKS === TX_GOSSIP_TICKS - 1)
        for (const tx of this.mempool.pending(TX_GOSSIP_BATCH)) this.transport.broadcast({ type: 'tx', tx })
      this.scheduleGossip(tick + 1)
    })
  }

  private timer(ms: number, fn: () => void): void {
    const cancel = this.clock.setTimer(ms, () => {
      this.stopTimers = this.stopTimers.filter((c) => c !== cancel)
      fn()
    })
    this.stopTimers.push(cancel)
  }

  validatorKey(): { scheme: ProofSigner['scheme']; address: string; secretKey: Uint8Array } {
    if (this.identity == null) throw new Error('this node is not a validator')
    return {
      scheme: this.identity.signer.scheme,
      address: this.identity.signer.address,
      secretKey: this.identity.signer.secretKey,
    }
  }
}

/** How often a proposer waiting for its precomputed PoTime looks again. */
const TIME_PROOF_POLL_MS = 10

/** Proposals are gossiped again every this many gossip ticks (2 s at the default 200 ms). */
const PROPOSAL_GOSSIP_TICKS = 10
/** Waiting transactions are gossiped again every this many ticks (5 s), the oldest this many at a time. */
export const TX_GOSSIP_TICKS = 25
export const TX_GOSSIP_BATCH = 64

/** How often an idle validator (emptyBlocksEveryMs) looks for work before starting the next height. */
const IDLE_POLL_MS = 100

/** Proposer choice seeds from the previous block hash, so nobody can steer who proposes far ahead. */
function heightSeed(previousHash: Hash): (height: number) => bigint {
  return (height) => BigInt(`0x${previousHash.slice(0, 16)}`) + BigInt(height)
}
