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
import { PeerGossip, type GossipItem } from './peer-gossip'
import { SyncServer } from './sync-server'
import type { SignedTx } from './tx'
import type { ConsensusProof, NetworkLocation, ProofSigner } from './proofs/consensus-proof'
import type { Plot } from './proofs/space'
import type { LockRecord } from './lock-record'
import { Tendermint, type ConsensusHost, type TimeoutKind } from './tendermint'
import type { ValidatorSet } from './state'
import { guardedProposal, guardedVote, saveLock, type SigningGuard } from './signing-guard'
import {
  offenceKey,
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
  /** Where the last signed (height, round, step) and the lock are kept across restarts (signing-guard.ts). */
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

export interface DriverEvents {
  committed?(entry: CommittedEntry): void
  /** Something was refused: a message from `peer` (what it was, and why), or a block or own proposal. */
  refused?(what: string, reason: string, peer?: string): void
}

/**
 * What gossip de-duplicates a proposal and a vote by: what they say, never their encoding or signature (a
 * FALCON signature is randomized, so one vote can come signed twice).
 */
const proposalKey = (p: Proposal): string => `p/${p.height}/${p.round}/${p.blockHash}`
const voteGossipKey = (v: Vote): string => `v/${voteKey(v)}`

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
  /** Sync requests sent and not yet answered, by peer: only their answers are applied. */
  private readonly syncRequests = new Map<string, number>()
  /** When each validator's far-round vote was last checked (a vote beyond the next round only moves line 55). */
  private farRoundCheckedAt = new Map<string, number>()
  private readonly gossip: PeerGossip
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
    this.gossip = new PeerGossip(gossipIntervalMs * RESEND_TICKS, MAX_GOSSIP_PEERS)
  }

  get self(): string | null {
    return this.identity?.signer.address ?? null
  }

  start(): void {
    this.running = true
    this.prepareTimeProof()
    const height = this.chain.height + 1
    const signed = this.identity?.guard?.load() ?? null
    // The lock and valid value persisted at this height are taken up again, and votes signed at this
    // height before a restart count again, and gossip carries them to the peers.
    this.machine.startHeight(height, signed?.lock ?? null)
    for (const vote of signed?.votes ?? []) if (vote.height === height) this.machine.receiveVote(vote)
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
    return this.validators(height).proposer(round).address
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

  signVote(vote: Unsigned<Vote>, lock: LockRecord | null): Vote | null {
    return guardedVote(this.identity?.guard, this.validatorKey(), vote, lock)
  }

  signProposal(proposal: Unsigned<Proposal>, lock: LockRecord | null): Proposal | null {
    return guardedProposal(this.identity?.guard, this.validatorKey(), proposal, lock)
  }

  saveLock(lock: LockRecord): void {
    saveLock(this.identity?.guard, lock)
  }

  broadcastProposal(proposal: Proposal, block: Block): void {
    const key = proposalKey(proposal)
    this.relayed.add(key)
    this.gossip.atHeight(this.machine.height)
    this.gossip.sentToAll(key, this.clock.now())
    this.transport.broadcast({ type: 'proposal', proposal, block })
  }

  broadcastVote(vote: Vote): void {
    const key = voteGossipKey(vote)
    this.relayed.add(key)
    this.gossip.atHeight(this.machine.height)
    this.gossip.sentToAll(key, this.clock.now())
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
        return this.onProposal(from, message.proposal, message.block)
      case 'vote':
        return this.onVote(from, message.vote)
      case 'status':
        this.syncServer.heard(from, message.height)
        this.gossip.status(from, message.height, message.round ?? 0)
        if (message.height > this.chain.height) this.requestSync(from)
        return
      case 'sync-request':
        return this.serveSync(from, message.fromHeight)
      case 'sync-response':
        return this.applySync(from, message.entries)
      case 'tx':
        if (this.mempool.add(message.tx, this.chain.state)) this.transport.broadcast(message)
        return
      case 'evidence':
        return this.onEvidence(message.evidence)
    }
  }

  private onProposal(from: string, proposal: Proposal, block: Block): void {
    const key = proposalKey(proposal)
    if (this.relayed.has(key)) return this.heardFrom(from, key)
    if (!this.knowsHeight(proposal.height)) return
    // A proposal for a round this node does not tally yet comes again once it does; its proposer's votes
    // count toward the round skip. Checked first: a far round's proposer costs a step per round to find.
    if (!this.machine.acceptsRound(proposal.height, proposal.round)) return
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
    this.followPeerInto(proposal.height)
    this.heardFrom(from, key)
    this.gossip.sentToAll(key, this.clock.now())
    this.transport.broadcast({ type: 'proposal', proposal, block })
    this.machine.receiveProposal(proposal, block)
  }

  private onVote(from: string, vote: Vote): void {
    const key = voteGossipKey(vote)
    if (this.relayed.has(key)) return this.heardFrom(from, key)
    if (!this.knowsHeight(vote.height)) return
    const tallied = this.machine.acceptsRound(vote.height, vote.round)
    if (!tallied && !this.farRoundWanted(vote)) return
    verifyVote(
      vote,
      this.validators(vote.height),
      this.chain.scheme,
      this.chain.chainId,
      this.chain.ctx.cache,
    )
    this.followPeerInto(vote.height)
    if (tallied) {
      // Only tallied votes are relayed and kept; a far-round vote moves its validator's round and nothing
      // else, and comes again from gossip once this node tallies its round.
      this.relayed.add(key)
      this.heardFrom(from, key)
      this.gossip.sentToAll(key, this.clock.now())
      this.transport.broadcast({ type: 'vote', vote })
    }
    this.machine.receiveVote(vote)
  }

  /**
   * Whether a vote beyond the next round is worth checking: it must raise its validator's highest round
   * (the only thing line 55 uses), and each validator gets one such check per gossip interval, so a
   * validator signing votes for thousands of rounds costs a few signature checks a second.
   */
  private farRoundWanted(vote: Vote): boolean {
    if (vote.height !== this.machine.height || vote.round <= this.machine.roundSeen(vote.validator))
      return false
    const now = this.clock.now()
    const last = this.farRoundCheckedAt.get(vote.validator)
    if (last != null && now - last < this.gossipIntervalMs) return false
    if (this.validators(vote.height).powerOf(vote.validator) === 0n) return false
    this.farRoundCheckedAt.set(vote.validator, now)
    return true
  }

  /** `from` has the message with this key (it sent or relayed it). */
  private heardFrom(from: string, key: string): void {
    this.gossip.atHeight(this.machine.height)
    this.gossip.received(from, key, this.clock.now())
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
    for (const [asked, at] of this.syncRequests)
      if (now - at > SYNC_RESPONSE_WAIT_MS) this.syncRequests.delete(asked)
    this.syncRequests.set(peer, now)
    this.transport.send(peer, { type: 'sync-request', fromHeight: this.chain.height + 1 })
  }

  /** Blocks for a peer that is behind, within its request rate (SyncServer). */
  private serveSync(peer: string, fromHeight: number): void {
    const answer = this.syncServer.serve(peer, fromHeight, this.chain.height)
    if (answer == null) return
    if ('refused' in answer) this.events.refused?.('sync-request', answer.refused, peer)
    else this.transport.send(peer, answer.message)
  }

  /**
   * Blocks from a peer this node asked: each is checked against its commit certificate and fully validated,
   * in order. Whatever happens to a later entry, the state machine moves to the height the chain reached:
   * left behind, it would drop every message of the chain's next height and the node would halt for good
   * (issue 17, item 17: one junk entry after a valid one did that).
   */
  private applySync(from: string, entries: readonly CommittedEntry[]): void {
    const askedAt = this.syncRequests.get(from)
    if (askedAt == null || this.clock.now() - askedAt > SYNC_RESPONSE_WAIT_MS) {
      this.events.refused?.('sync-response', 'this node did not ask that peer for blocks', from)
      return
    }
    this.syncRequests.delete(from)
    const before = this.chain.height
    try {
      for (const entry of entries) {
        if (entry.block.header.height !== this.chain.height + 1) continue
        this.chain.commit(entry.block, entry.commit)
        this.afterCommit(entry)
      }
    } finally {
      if (this.chain.height > before) {
        this.syncRequestedAt = -Infinity
        this.machine.startHeight(this.chain.height + 1)
      }
    }
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
    this.farRoundCheckedAt = new Map()
    this.events.committed?.(entry)
  }

  /**
   * Every tick: status (height and round), and to each peer at this height the proposals and votes it
   * lacks (PeerGossip); every 5 s, the waiting transactions. A message a peer acknowledged by relaying it
   * is never sent to it again; one that may have been dropped is sent again after RESEND_TICKS ticks.
   */
  private scheduleGossip(tick = 0): void {
    this.timer(this.gossipIntervalMs, () => {
      if (!this.running) return
      const { machine, chain } = this
      const round = machine.height === chain.height + 1 ? machine.round : 0
      this.transport.broadcast({ type: 'status', height: chain.height, round })
      this.gossip.atHeight(machine.height)
      const items = this.gossipItems()
      const now = this.clock.now()
      for (const peer of this.gossip.peersAt(machine.height))
        for (const item of this.gossip.lacking(peer, items, now)) this.transport.send(peer, item.message)
      // A transaction whose first broadcast was lost (a full outbox, a stream being reopened) would wait
      // in this pool for ever if only this node had it: an observer never proposes.
      if (tick % TX_GOSSIP_TICKS === TX_GOSSIP_TICKS - 1)
        for (const tx of this.mempool.pending(TX_GOSSIP_BATCH)) this.transport.broadcast({ type: 'tx', tx })
      this.scheduleGossip(tick + 1)
    })
  }

  /** The proposals and votes of the machine's height, as gossip items. */
  private gossipItems(): GossipItem<ConsensusMessage>[] {
    const known = this.machine.knownMessages()
    const items: GossipItem<ConsensusMessage>[] = known.proposals.map(([proposal, block]) => ({
      key: proposalKey(proposal),
      round: proposal.round,
      message: { type: 'proposal', proposal, block },
    }))
    for (const vote of known.votes)
      items.push({ key: voteGossipKey(vote), round: vote.round, message: { type: 'vote', vote } })
    return items
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

/** A message sent to a peer that has not acknowledged it is sent again after this many ticks (2 s). */
const RESEND_TICKS = 10
/** Peers whose gossip state is kept (members of the network; the least recently heard go first). */
const MAX_GOSSIP_PEERS = 1_024
/** How long an answer to a sync request is awaited; later ones are refused. */
const SYNC_RESPONSE_WAIT_MS = 30_000
/** Waiting transactions are gossiped again every this many ticks (5 s), the oldest this many at a time. */
export const TX_GOSSIP_TICKS = 25
export const TX_GOSSIP_BATCH = 64

/** How often an idle validator (emptyBlocksEveryMs) looks for work before starting the next height. */
const IDLE_POLL_MS = 100
