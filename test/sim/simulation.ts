/**
 * Deterministic simulation of a validator network: seeded randomness, virtual time, an in-memory network
 * with delays, drops, duplicates and partitions, crashes with restarts (from each node's own stored
 * blocks and signing record), restarts right after a validator locks, and Byzantine validators
 * (byzantine.ts). Modelled on TigerBeetle's VOPR: a seed replays a run exactly.
 *
 * Invariants, checked on every commit: no two honest nodes commit different blocks at one height, their
 * state roots agree, and supply is conserved (balances, bonded and unbonding stake and job escrows add up
 * to the genesis supply plus what epochs minted, less what slashing burned). At the end: after the faults stop, every honest node committed new blocks.
 */
import { blockHash, type Block } from '../../app/consensus/block'
import { Chain } from '../../app/consensus/chain'
import { ConsensusDriver, type Clock, type ConsensusTransport } from '../../app/consensus/driver'
import { genesisState } from '../../app/consensus/execute'
import { MemoryBlockStore } from '../../app/consensus/memory-store'
import type { ConsensusMessage } from '../../app/consensus/messages'
import type { ChainParams, GenesisConsensus } from '../../app/consensus/params'
import type { SignedPosition } from '../../app/consensus/signing-guard'
import type { LedgerState } from '../../app/consensus/state'
import { Plot, plotOwner } from '../../app/consensus/proofs/space'
import { toBase64 } from '../../app/consensus/codec'
import { addressOf } from '../../app/consensus/tx'
import {
  EquivocatingDriver,
  GrindingDriver,
  InvalidProofDriver,
  JunkSyncDriver,
  memoTimeProofs,
  LyingTimeDriver,
  RoundSpamDriver,
  WithholdingDriver,
  type ByzantineKind,
} from './byzantine'
import { ed25519Scheme } from './ed25519-scheme'
import { bookProblem, submitRandomOrder } from './market-traffic'
import { Random } from './random'

export interface SimConfig {
  seed: number
  validators: number
  byzantine: readonly ByzantineKind[]
  /** Heights every honest node must commit after the faults stop. */
  heightsAfterHeal: number
  faultMs: number
  limitMs: number
  dropRate: number
  duplicateRate: number
  maxDelayMs: number
  crashes: boolean
  partitions: boolean
  /**
   * Restarts an honest validator right after it precommits a block (and so locks on it), before it can
   * see the decision: the schedule that forked a network whose validators forgot their lock (item 16).
   */
  lockRestarts: boolean
  /** Far-round nil prevotes a 'round-spam' validator signs with each vote it casts (default 25). */
  roundSpamPerVote?: number
  /** Honest validators trade on the exchange throughout the run (market-traffic.ts). */
  market?: boolean
}

export interface SimResult {
  seed: number
  violations: string[]
  heights: number[]
  virtualMs: number
  slashed: number
  /** Messages honest nodes sent that were delivered, every kind counted: what the network carries for them. */
  messages: number
  /** Fills on the exchange an honest node's ledger holds at the end (market traffic only). */
  fills: number
}

export const SIM_PARAMS: ChainParams = {
  scheme: 'falcon-1024', // not used: the simulator hands Chain its Ed25519 scheme directly
  timeoutProposeMs: 400,
  timeoutPrevoteMs: 200,
  timeoutPrecommitMs: 200,
  timeoutDeltaMs: 100,
  blockIntervalMs: 50,
  maxTxBytes: 4096,
  maxBlockTxs: 100,
  minFee: '1',
  bondingPeriodBlocks: 1000,
  minValidatorStake: '100',
  slashPpm: 100_000,
  maxClockDriftMs: 500,
  proofs: {
    workDifficultyBits: 3,
    vdfSquarings: 16,
    spaceLeavesLog2: 4,
    spaceLabelIterations: 2,
    spaceChallenges: 2,
  },
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

interface Task {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

class SimNode {
  driver: ConsensusDriver | null = null
  readonly store = new MemoryBlockStore()
  /** The signing guard's record: like the block store, it survives a crash. */
  lastSigned: SignedPosition | null = null
  constructor(
    readonly id: string,
    readonly keys: { publicKey: Uint8Array; secretKey: Uint8Array },
    readonly plot: Plot,
    readonly peerId: string,
    readonly byzantine: ByzantineKind | null,
  ) {}

  get address(): string {
    return addressOf(ed25519Scheme, this.keys.publicKey)
  }
}

export class Simulation {
  readonly rng: Random
  now = 0
  private seq = 0
  private readonly queue: Task[] = []
  readonly nodes: SimNode[] = []
  private readonly genesis: GenesisConsensus
  private readonly chainId: string
  private partition: Set<string> | null = null
  private healed = false
  private readonly violations: string[] = []
  private readonly committed = new Map<number, { hash: string; root: string; by: string }>()
  private readonly genesisSupply: bigint
  private heightAtHeal = 0
  private messages = 0
  /** Restarts are costly to simulate (a chain replayed from genesis); a few per run find the schedule. */
  private lockRestartsLeft = 6
  private readonly lockRestartHeights = new Set<number>()

  constructor(readonly config: SimConfig) {
    this.rng = new Random(config.seed)
    this.chainId = Buffer.from(this.rng.bytes(32)).toString('hex')
    const byzantine = [...config.byzantine]
    const order = this.rng.shuffle(Array.from({ length: config.validators }, (_, i) => i))
    const byzantineAt = new Map(order.slice(0, byzantine.length).map((index, k) => [index, byzantine[k]!]))
    for (let i = 0; i < config.validators; i++) {
      const keys = ed25519Scheme.keygen(this.rng.bytes(32))
      const plot = Plot.generate(
        plotOwner(keys.publicKey),
        SIM_PARAMS.proofs.spaceLeavesLog2,
        SIM_PARAMS.proofs.spaceLabelIterations,
      )
      const peerId = `12D3KooW${Array.from({ length: 44 }, () => this.rng.pick([...BASE58])).join('')}`
      this.nodes.push(new SimNode(String(i), keys, plot, peerId, byzantineAt.get(i) ?? null))
    }
    this.genesis = {
      params: SIM_PARAMS,
      validators: this.nodes.map((n) => ({
        peerId: n.peerId,
        publicKey: toBase64(n.keys.publicKey),
        // Honest stake 1000–1500; Byzantine 100–400, so that f Byzantine validators stay under a third
        stake: String(n.byzantine == null ? this.rng.int(1000, 1500) : this.rng.int(100, 400)),
        space: n.plot.commitment,
      })),
      // Spendable funds for fees and buy orders, when the validators trade.
      balances:
        config.market === true ? this.nodes.map((n) => ({ address: n.address, amount: '100000' })) : [],
    }
    this.genesisSupply = genesisState(this.genesis, ed25519Scheme).supply()
  }

  run(): SimResult {
    for (const node of this.nodes) this.boot(node)
    this.scheduleFaults()
    if (this.config.market === true) this.scheduleTrading()
    this.at(this.config.faultMs, () => this.heal())
    while (this.queue.length > 0) {
      const task = this.popNext()
      if (task.at > this.config.limitMs) break
      this.now = task.at
      if (!task.cancelled) task.fn()
      if (
        this.healed &&
        this.honest().every(
          (n) => (n.driver?.chain.height ?? 0) >= this.heightAtHeal + this.config.heightsAfterHeal,
        )
      )
        break
    }
    const heights = this.nodes.map((n) => n.driver?.chain.height ?? 0)
    for (const node of this.honest()) {
      const height = node.driver?.chain.height ?? 0
      if (height < this.heightAtHeal + this.config.heightsAfterHeal)
        this.violations.push(
          `liveness: node ${node.id} reached height ${height} after healing at ${this.heightAtHeal}; wanted ${this.heightAtHeal + this.config.heightsAfterHeal}`,
        )
    }
    const anyHonest = this.honest()[0]?.driver?.chain
    const slashed =
      anyHonest == null ? 0 : [...anyHonest.state.validators.values()].filter((v) => v.jailed).length
    return {
      seed: this.config.seed,
      violations: this.violations,
      heights,
      virtualMs: this.now,
      slashed,
      messages: this.messages,
      fills: anyHonest?.state.leaseEscrows.size ?? 0,
    }
  }

  private honest(): SimNode[] {
    return this.nodes.filter((n) => n.byzantine == null)
  }

  private boot(node: SimNode): void {
    const chain = new Chain(this.chainId, this.genesis, ed25519Scheme, node.store)
    chain.replay()
    const identity = {
      signer: {
        scheme: ed25519Scheme,
        address: node.address,
        publicKey: node.keys.publicKey,
        secretKey: node.keys.secretKey,
      },
      plot: node.plot,
      location: { peerId: node.peerId, addrs: [`/sim/${node.id}`] },
      timeProofs: node.byzantine === 'grind' ? memoTimeProofs() : undefined,
      guard: {
        load: () => node.lastSigned,
        save: (position: SignedPosition) => {
          node.lastSigned = position
          this.afterSigned(node, position)
        },
      },
    }
    const Driver = node.byzantine == null ? ConsensusDriver : BYZANTINE_DRIVERS[node.byzantine]
    const driver = new Driver(chain, identity, this.clockFor(), this.transportFor(node), {
      committed: (entry) => this.onCommit(node, entry.block),
    })
    Object.assign(driver, {
      byzantine: { rng: this.rng, peers: () => this.nodes.filter((n) => n !== node).map((n) => n.id) },
    })
    if (driver instanceof RoundSpamDriver) driver.spamPerVote = this.config.roundSpamPerVote ?? 25
    node.driver = driver
    driver.start()
  }

  /**
   * The lock-restart fault: during the faults, an honest validator that has just precommitted a block is
   * restarted (its precommit still goes out), and comes back after a short while from its stored blocks and
   * signing record, before it could see the decision. The first honest node to decide that height is then
   * cut off for a while, so that the others cannot learn the decision from it (isolateDecider).
   */
  private afterSigned(node: SimNode, position: SignedPosition): void {
    if (!this.config.lockRestarts || this.healed || node.byzantine != null) return
    const last = position.votes[position.votes.length - 1]
    if (last?.type !== 'precommit' || last.blockHash == null || last.round !== position.round) return
    if (position.step !== 2 || this.lockRestartsLeft === 0 || !this.rng.chance(0.5)) return
    this.lockRestartsLeft--
    this.lockRestartHeights.add(last.height)
    const driver = node.driver
    this.at(this.now, () => {
      if (node.driver !== driver) return
      this.crash(node)
      this.at(
        Math.min(this.config.faultMs, this.now + this.rng.int(20, 400)),
        () => node.driver == null && this.boot(node),
      )
    })
  }

  private onCommit(node: SimNode, block: Block): void {
    if (node.byzantine != null) return
    const height = block.header.height
    if (!this.committed.has(height)) this.isolateDecider(node, height)
    const hash = blockHash(block.header)
    const state = node.driver!.chain.state
    this.checkSupply(node, height, state)
    const book = bookProblem(state)
    if (book != null) this.violations.push(`exchange: node ${node.id} at height ${height}: ${book}`)
    const root = state.root()
    const first = this.committed.get(height)
    if (first == null) {
      this.committed.set(height, { hash, root, by: node.id })
      return
    }
    if (first.hash !== hash)
      this.violations.push(
        `safety: nodes ${first.by} and ${node.id} committed different blocks at height ${height}`,
      )
    else if (first.root !== root)
      this.violations.push(
        `state: nodes ${first.by} and ${node.id} disagree on the state root at height ${height}`,
      )
  }

  /** Supply is conserved: the genesis's, plus what epochs minted, less what slashing burned. */
  private checkSupply(node: SimNode, height: number, state: LedgerState): void {
    const { minted, burned } = state.issuance
    const expected = this.genesisSupply + minted - burned
    if (state.supply() !== expected)
      this.violations.push(
        `supply: node ${node.id} holds ${state.supply()} at height ${height}; genesis + minted − burned is ${expected}`,
      )
  }

  private isolateDecider(node: SimNode, height: number): void {
    if (this.healed || !this.lockRestartHeights.has(height)) return
    this.partition = new Set([node.id])
    const isolation = this.partition
    this.at(this.now + this.rng.int(300, 1500), () => {
      if (this.partition === isolation) this.partition = null
    })
  }

  private clockFor(): Clock {
    return {
      now: () => this.now,
      setTimer: (ms, fn) => {
        const task = this.at(this.now + ms, fn)
        return () => {
          task.cancelled = true
        }
      },
    }
  }

  private transportFor(node: SimNode): ConsensusTransport {
    return {
      broadcast: (message) => {
        for (const peer of this.nodes) if (peer !== node) this.deliver(node, peer, message)
      },
      send: (peerId, message) => {
        const peer = this.nodes.find((n) => n.id === peerId)
        if (peer != null) this.deliver(node, peer, message)
      },
    }
  }

  private deliver(from: SimNode, to: SimNode, message: ConsensusMessage): void {
    if (!this.healed) {
      if (this.partition != null && this.partition.has(from.id) !== this.partition.has(to.id)) return
      if (this.rng.chance(this.config.dropRate)) return
    }
    const copies = !this.healed && this.rng.chance(this.config.duplicateRate) ? 2 : 1
    for (let i = 0; i < copies; i++) {
      this.at(this.now + this.rng.int(1, this.config.maxDelayMs), () => {
        if (to.driver == null) return
        if (from.byzantine == null) this.messages++
        to.driver.receive(from.id, message)
      })
    }
  }

  private scheduleFaults(): void {
    const { faultMs } = this.config
    if (this.config.partitions) {
      for (let t = this.rng.int(0, faultMs / 2); t < faultMs; t += this.rng.int(faultMs / 4, faultMs / 2)) {
        this.at(t, () => {
          const side = new Set(this.nodes.filter(() => this.rng.chance(0.5)).map((n) => n.id))
          this.partition = side
        })
        this.at(t + this.rng.int(100, faultMs / 4), () => {
          this.partition = null
        })
      }
    }
    if (this.config.crashes) {
      for (const node of this.honest()) {
        if (!this.rng.chance(0.4)) continue
        const down = this.rng.int(0, faultMs)
        this.at(down, () => this.crash(node))
        this.at(
          Math.min(faultMs, down + this.rng.int(200, 2000)),
          () => node.driver == null && this.boot(node),
        )
      }
    }
  }

  /** Every 30 ms of virtual time, one honest validator submits an exchange transaction to its node. */
  private scheduleTrading(): void {
    const rng = new Random(this.config.seed ^ 0x7a11)
    const trade = (): void => {
      submitRandomOrder(rng.pick(this.honest()), rng, this.chainId)
      this.at(this.now + 30, trade)
    }
    this.at(30, trade)
  }

  private crash(node: SimNode): void {
    node.driver?.stop()
    node.driver = null
  }

  private heal(): void {
    this.healed = true
    this.partition = null
    for (const node of this.nodes) if (node.driver == null) this.boot(node)
    this.heightAtHeal = Math.max(0, ...this.honest().map((n) => n.driver?.chain.height ?? 0))
  }

  private at(time: number, fn: () => void): Task {
    const task: Task = { at: time, seq: this.seq++, fn, cancelled: false }
    // Binary min-heap on (time, insertion order): ties run in the order they were scheduled.
    const q = this.queue
    q.push(task)
    for (let i = q.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (!before(q[i]!, q[parent]!)) break
      ;[q[i], q[parent]] = [q[parent]!, q[i]!]
      i = parent
    }
    return task
  }

  private popNext(): Task {
    const q = this.queue
    const top = q[0]!
    const last = q.pop()!
    if (q.length > 0) {
      q[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < q.length && before(q[l]!, q[m]!)) m = l
        if (r < q.length && before(q[r]!, q[m]!)) m = r
        if (m === i) break
        ;[q[i], q[m]] = [q[m]!, q[i]!]
        i = m
      }
    }
    return top
  }
}

const BYZANTINE_DRIVERS: Record<ByzantineKind, typeof ConsensusDriver> = {
  equivocate: EquivocatingDriver,
  withhold: WithholdingDriver,
  'invalid-proof': InvalidProofDriver,
  'lying-time': LyingTimeDriver,
  grind: GrindingDriver,
  'junk-sync': JunkSyncDriver,
  'round-spam': RoundSpamDriver,
}

const before = (a: Task, b: Task): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)
