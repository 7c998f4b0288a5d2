/**
 * The ledger state: accounts, validators, registered assets, peer bindings, job escrows and evidence. Records are
 * immutable values in maps, so a copy for speculative execution (a proposal being checked) costs one map copy
 * per table and no deep cloning. The state root is the RFC 6962 Merkle root over every record in key order.
 */
import { canonicalBytes, bytesToHex, type Hash } from './codec'
import { merkleRoot } from './merkle'
import { heightPriorities, step, type PowerOf } from './proposer-priority'
import type { SpaceCommitment } from './params'
import type { TxBody } from './tx'
import type { JobRuntime } from '../../shared/jobs-schemas'
import type { PrivacyLevel } from '../../shared/sharing-schemas'
import { BookIndex } from './exchange/book-index'
import type { LeaseEscrow, OrderRecord } from './exchange/order-record'

export type { LeaseEscrow, OrderRecord } from './exchange/order-record'

export interface Account {
  readonly balance: bigint
  readonly nonce: number
  readonly bonded: bigint
  readonly unbonding: readonly { readonly amount: bigint; readonly releaseHeight: number }[]
}

export interface ValidatorRecord {
  readonly address: string
  readonly peerId: string
  readonly publicKey: string
  readonly space: SpaceCommitment
  /** In the set: joined and neither left nor jailed. Records stay after leaving so evidence can be checked. */
  readonly active: boolean
  readonly jailed: boolean
}

export interface AssetRecord {
  readonly assetId: string
  readonly owner: string
  readonly resource: Extract<TxBody, { kind: 'asset-register' }>['resource']
  readonly capacity: bigint
  readonly privacy: Extract<TxBody, { kind: 'asset-register' }>['privacy']
  /** The libp2p peer that serves it. */
  readonly peerId: string
  readonly registeredAt: number
}

/** A peer id bound to the FALCON key of one account (records/peer-binding.ts, peer-bindings.ts). */
export interface PeerBindingRecord {
  readonly peerId: string
  /** The FALCON-1024 public key, base64: the key whose address is `address`. */
  readonly falconKey: string
  readonly address: string
  /** The height of the block that recorded it. */
  readonly boundAt: number
}

export interface GenesisBindings {
  readonly byPeer: ReadonlyMap<string, PeerBindingRecord>
  readonly byAccount: ReadonlyMap<string, string>
}

/** How far a lease's use has been claimed, and when the lease ends (its entry is dropped a week later). */
export interface LeaseClaim {
  readonly claimedToMs: number
  readonly leaseEndsAt: number
}

/** What the first block of an epoch paid for the epoch before, by `owner|resource`. */
export interface EpochPayouts {
  readonly epoch: number
  readonly height: number
  readonly amounts: ReadonlyMap<string, bigint>
}

/**
 * A job's budget held by the ledger (jobs/escrow.ts): `amount` is what remains of it. Open until the payer
 * settles; a settled escrow holds the rest through the providers' claim window, until the payer is
 * refunded (then `amount` is 0). An entry that holds nothing stays, so that its job id cannot be escrowed
 * again, until its spec has expired and every window has passed.
 */
export interface JobEscrow {
  readonly payer: string
  readonly amount: bigint
  readonly redundancy: number
  readonly maxPricePerCoreHour: bigint
  /** The most CPU time the spec's limits allow one run: millicores × wall time. */
  readonly maxCpuMillis: number
  readonly runtime: JobRuntime
  readonly privacy: PrivacyLevel
  readonly expiresAt: number
  /** The payer settles before this time; providers claim their receipts after it. */
  readonly settleBy: number
  readonly status: 'open' | 'settled' | 'refunded'
  /** Provider accounts paid by `job-claim`, each once. */
  readonly claimedBy: readonly string[]
  /** What each provider account was paid from it, by settlement or claim, in the order paid. */
  readonly paid: readonly { readonly account: string; readonly amount: bigint }[]
}

/** A provider outvoted in a settled job: its output disagreed with the accepted one (jobs/escrow.ts). */
export interface JobEvidence {
  readonly jobId: string
  readonly account: string
  readonly provider: string
  readonly outputHash: string
  readonly acceptedHash: string
  readonly height: number
}

/**
 * Base units created and destroyed since genesis: epoch rewards minted, stake slashed. Derived from the
 * blocks (every node replays them), so not in the root; it lets a test check that supply is conserved.
 */
export interface Issuance {
  readonly minted: bigint
  readonly burned: bigint
}

export const EMPTY_ACCOUNT: Account = { balance: 0n, nonce: 0, bonded: 0n, unbonding: [] }

export class LedgerState {
  constructor(
    /** Height of the last block executed into this state; 0 is genesis. */
    public height = 0,
    readonly accounts = new Map<string, Account>(),
    readonly validators = new Map<string, ValidatorRecord>(),
    readonly assets = new Map<string, AssetRecord>(),
    /** Equivocations already slashed, by offenceKey (validator, height, round, vote type): each once. */
    readonly punished = new Set<string>(),
    /** This epoch's claimed use by `owner|resource`, weighted by privacy level (rewards/usage-claims.ts). */
    readonly usage = new Map<string, bigint>(),
    readonly leaseClaims = new Map<string, LeaseClaim>(),
    public payouts: EpochPayouts | null = null,
    /** The time of the last block executed into this state (it is in the block header, not in the root). */
    public timeMs = 0,
    /** Each bound peer id's record, by peer id. */
    readonly peerBindings = new Map<string, PeerBindingRecord>(),
    /** The same bindings by account address (derived: kept in step with `peerBindings`, not in the root). */
    readonly boundAccounts = new Map<string, string>(),
    /**
     * The genesis validators' peer ids and keys, bound by the genesis itself (which the chain id fixes, so
     * they are not in the root); set once at genesis, shared by every copy.
     */
    public genesisBindings: GenesisBindings = { byPeer: new Map(), byAccount: new Map() },
    /** Job budgets by job id, open and recently closed (jobs/escrow.ts). */
    readonly jobEscrows = new Map<string, JobEscrow>(),
    /** Outvoted providers by `providerAccount|jobId`: evidence against their accounts, kept for good. */
    readonly jobEvidence = new Map<string, JobEvidence>(),
    public issuance: Issuance = { minted: 0n, burned: 0n },
    /** Resting exchange orders by order id (the placing transaction's id). */
    readonly orders = new Map<string, OrderRecord>(),
    /** Fills' escrows by fill id, open and recently closed. */
    readonly leaseEscrows = new Map<string, LeaseEscrow>(),
    /** Where an account's earnings are paid (payout.ts); absent, to the account itself. */
    readonly payoutTo = new Map<string, string>(),
    /** How many orders the chain has placed: the next order's time priority. */
    public orderSeq = 0,
  ) {}

  /** The order book's index over `orders` (exchange/book-index.ts), built when first needed. */
  private bookIndex: BookIndex | null = null

  book(): BookIndex {
    this.bookIndex ??= BookIndex.build(this.orders)
    return this.bookIndex
  }

  /** Rests an order, or changes what remains of one (its price and time never change). */
  setOrder(id: string, order: OrderRecord): void {
    const had = this.orders.has(id)
    this.orders.set(id, order)
    if (!had) this.bookIndex?.insert(id, order)
  }

  deleteOrder(id: string): void {
    const order = this.orders.get(id)
    if (order == null) return
    this.orders.delete(id)
    this.bookIndex?.remove(id, order)
  }

  copy(): LedgerState {
    const next = this.copyTables()
    next.bookIndex = this.bookIndex?.copy() ?? null
    return next
  }

  private copyTables(): LedgerState {
    return new LedgerState(
      this.height,
      new Map(this.accounts),
      new Map(this.validators),
      new Map(this.assets),
      new Set(this.punished),
      new Map(this.usage),
      new Map(this.leaseClaims),
      this.payouts,
      this.timeMs,
      new Map(this.peerBindings),
      new Map(this.boundAccounts),
      this.genesisBindings,
      new Map(this.jobEscrows),
      new Map(this.jobEvidence),
      this.issuance,
      new Map(this.orders),
      new Map(this.leaseEscrows),
      new Map(this.payoutTo),
      this.orderSeq,
    )
  }

  /**
   * Every base unit that exists: balances, bonded and unbonding stake, what job and lease escrows hold,
   * and what resting buy orders hold.
   */
  supply(): bigint {
    let total = 0n
    for (const a of this.accounts.values())
      total += a.balance + a.bonded + a.unbonding.reduce((sum, u) => sum + u.amount, 0n)
    for (const escrow of this.jobEscrows.values()) total += escrow.amount
    for (const escrow of this.leaseEscrows.values()) total += escrow.amount
    for (const order of this.orders.values()) total += orderHolds(order)
    return total
  }

  account(address: string): Account | undefined {
    return this.accounts.get(address)
  }

  /** The binding of `peerId` to its one FALCON key, if the ledger (or its genesis) has one. */
  peerBinding(peerId: string): PeerBindingRecord | undefined {
    return this.peerBindings.get(peerId) ?? this.genesisBindings.byPeer.get(peerId)
  }

  /** The peer id bound to account `address`, if any. */
  peerOfAccount(address: string): string | undefined {
    return this.boundAccounts.get(address) ?? this.genesisBindings.byAccount.get(address)
  }

  /** Voting power: bonded stake of every active validator. */
  validatorSet(): ValidatorSet {
    const members: { record: ValidatorRecord; power: bigint }[] = []
    for (const record of this.validators.values()) {
      if (!record.active) continue
      const power = this.accounts.get(record.address)?.bonded ?? 0n
      if (power > 0n) members.push({ record, power })
    }
    members.sort((a, b) => (a.record.address < b.record.address ? -1 : 1))
    return new ValidatorSet(members)
  }

  root(): Hash {
    const leaves: Uint8Array[] = []
    const add = (key: string, value: unknown): void => {
      const keyBytes = new TextEncoder().encode(`${key}\0`)
      const valueBytes = canonicalBytes(value)
      const leaf = new Uint8Array(keyBytes.length + valueBytes.length)
      leaf.set(keyBytes)
      leaf.set(valueBytes, keyBytes.length)
      leaves.push(leaf)
    }
    add('meta/height', this.height)
    for (const key of [...this.accounts.keys()].sort())
      add(`account/${key}`, accountJson(this.accounts.get(key)!))
    for (const key of [...this.validators.keys()].sort()) add(`validator/${key}`, this.validators.get(key))
    for (const key of [...this.assets.keys()].sort()) {
      const asset = this.assets.get(key)!
      add(`asset/${key}`, { ...asset, capacity: asset.capacity.toString() })
    }
    for (const key of [...this.punished].sort()) add(`punished/${key}`, true)
    // Reward records are added only when there are any, so chains from before rewards keep their roots.
    for (const key of [...this.usage.keys()].sort()) add(`usage/${key}`, this.usage.get(key)!.toString())
    for (const key of [...this.leaseClaims.keys()].sort())
      add(`lease-claim/${key}`, this.leaseClaims.get(key))
    // Added only when there are any, so chains from before bindings keep their roots.
    for (const key of [...this.peerBindings.keys()].sort())
      add(`peer-binding/${key}`, this.peerBindings.get(key))
    // Added only when there are any, so chains from before jobs keep their roots.
    for (const key of [...this.jobEscrows.keys()].sort())
      add(`job-escrow/${key}`, jobEscrowJson(this.jobEscrows.get(key)!))
    for (const key of [...this.jobEvidence.keys()].sort())
      add(`job-evidence/${key}`, this.jobEvidence.get(key))
    // Added only when there are any, so chains from before the exchange keep their roots.
    if (this.orderSeq > 0) add('meta/order-seq', this.orderSeq)
    for (const key of [...this.orders.keys()].sort()) add(`order/${key}`, orderJson(this.orders.get(key)!))
    for (const key of [...this.leaseEscrows.keys()].sort())
      add(`lease-escrow/${key}`, leaseEscrowJson(this.leaseEscrows.get(key)!))
    for (const key of [...this.payoutTo.keys()].sort()) add(`payout-to/${key}`, this.payoutTo.get(key))
    if (this.payouts != null) {
      const { epoch, height, amounts } = this.payouts
      add('meta/payouts', { epoch, height })
      for (const key of [...amounts.keys()].sort()) add(`payout/${key}`, amounts.get(key)!.toString())
    }
    return bytesToHex(merkleRoot(leaves))
  }
}

export const accountJson = (a: Account): Record<string, unknown> => ({
  balance: a.balance.toString(),
  nonce: a.nonce,
  bonded: a.bonded.toString(),
  unbonding: a.unbonding.map((u) => ({ amount: u.amount.toString(), releaseHeight: u.releaseHeight })),
})

const jobEscrowJson = (e: JobEscrow): Record<string, unknown> => ({
  ...e,
  amount: e.amount.toString(),
  maxPricePerCoreHour: e.maxPricePerCoreHour.toString(),
  paid: e.paid.map((p) => ({ account: p.account, amount: p.amount.toString() })),
})

/** What a resting order holds of its owner's funds. */
export const orderHolds = (o: OrderRecord): bigint => (o.side === 'buy' ? o.price * o.remaining : 0n)

export const orderJson = (o: OrderRecord): Record<string, unknown> => ({
  ...o,
  price: o.price.toString(),
  quantity: o.quantity.toString(),
  remaining: o.remaining.toString(),
})

export const leaseEscrowJson = (e: LeaseEscrow): Record<string, unknown> => ({
  ...e,
  quantity: e.quantity.toString(),
  price: e.price.toString(),
  amount: e.amount.toString(),
  usedUnitSeconds: e.usedUnitSeconds.toString(),
})

/**
 * The validators for one height, ordered by address, with stake-weighted quorum arithmetic and, for a
 * height's set as the chain keeps it, who proposes in each round (proposer-priority.ts).
 */
export class ValidatorSet {
  readonly total: bigint
  private readonly byAddress: Map<string, { record: ValidatorRecord; power: bigint }>
  /** Proposers of rounds 0, 1, … as far as asked, and the priorities after the last of them. */
  private readonly roundProposers: string[] = []
  private working: Map<string, bigint> | null = null

  constructor(
    readonly members: readonly { record: ValidatorRecord; power: bigint }[],
    /** The priorities after this height's step, and round 0's proposer; absent, the set proposes nothing. */
    private readonly schedule?: { priorities: ReadonlyMap<string, bigint>; proposer: string },
  ) {
    this.total = members.reduce((sum, m) => sum + m.power, 0n)
    this.byAddress = new Map(members.map((m) => [m.record.address, m]))
  }

  /** This set with its proposers scheduled after the previous height's set (null at genesis). */
  scheduledAfter(previous: ValidatorSet | null): ValidatorSet {
    // An empty set cannot be scheduled; it is kept so that the chain still opens and says why it halted.
    if (this.members.length === 0) return this
    const schedule = heightPriorities(previous?.schedule?.priorities ?? null, this.powers())
    return new ValidatorSet(this.members, schedule)
  }

  get size(): number {
    return this.members.length
  }

  get(address: string): { record: ValidatorRecord; power: bigint } | undefined {
    return this.byAddress.get(address)
  }

  powerOf(address: string): bigint {
    return this.byAddress.get(address)?.power ?? 0n
  }

  /** More than two thirds of all voting power (the paper's 2f+1). */
  isQuorum(power: bigint): boolean {
    return power * 3n > this.total * 2n
  }

  /** More than one third (the paper's f+1): at least one honest validator is among them. */
  isOneThird(power: bigint): boolean {
    return power * 3n > this.total
  }

  /**
   * The proposer of a round of this set's height: round 0's from the height's step, each later round one
   * more step of the weighted round-robin. A silent proposer costs one round; every validator proposes in
   * proportion to its power, over rounds as over heights. Callers bound `round` (a round is reached only
   * through timeouts that grow with it, or more than a third of the power already being there).
   */
  proposer(round: number): ValidatorRecord {
    if (this.members.length === 0) throw new Error('the validator set is empty')
    if (this.schedule == null) throw new Error('this validator set has no proposer schedule')
    if (this.working == null) {
      this.working = new Map(this.schedule.priorities)
      this.roundProposers.push(this.schedule.proposer)
    }
    if (this.roundProposers.length <= round) {
      const powers = this.powers()
      while (this.roundProposers.length <= round)
        this.roundProposers.push(step(this.working, powers, this.total))
    }
    return this.byAddress.get(this.roundProposers[round]!)!.record
  }

  private powers(): PowerOf[] {
    return this.members.map((m) => ({ address: m.record.address, power: m.power }))
  }
}
