/**
 * This node's rewards: as an owner it keeps the usage receipts its lease holders send (SQLite), claims
 * them on the ledger, and records what each epoch paid it; as a holder it signs receipts for the leases it
 * uses. The status it reports is the rewards view: schedule, earnings per epoch and resource, rate, what
 * is accruing now, and how the receipts fared.
 */
import { claimBodyOf, claimTaken, isOwnFillLease, type ClaimBody } from './fill-receipts'
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import {
  ZERO_AMOUNTS,
  type EpochEarnings,
  type RewardAmounts,
  type RewardsStatus,
} from '../../shared/rewards'
import { RESOURCE_KINDS, type ResourceKind } from '../../shared/sharing-schemas'
import {
  addressOf,
  DEFAULT_REWARD_SCHEDULE,
  epochOf,
  falcon1024Scheme,
  fromBase64,
  holderKeyRefusal,
  LedgerRejection,
  parseUsageKey,
  receiptRefusal,
  rewardFor,
  scheduleOf,
  signUsageReceipt,
  type ChainParams,
  type LeaseTerms,
  type LedgerState,
  type RejectionCode,
  type SignedLease,
  type SignedPeerBinding,
  type SignedUsageReceipt,
} from '../consensus'

/** Clocks of holder and owner differ a little; a receipt may reach this far outside the stream's life. */
const CLOCK_SLACK_MS = 5_000
/** A submitted claim not on the ledger after this many blocks is submitted again. */
const RESUBMIT_AFTER_BLOCKS = 20
const CLAIMS_PER_BLOCK = 20
const HISTORY_EPOCHS = 200
/** Refusals that a funded account would not get: such claims wait instead of being dropped. */
const UNFUNDED = new Set<RejectionCode>(['unknown-account', 'insufficient-balance'])

/** What rewards need of the ledger: its state and parameters, and submitting a claim signed by this node. */
export interface RewardsLedger {
  readonly chain: {
    readonly chainId: string
    readonly params: ChainParams
    readonly state: LedgerState
    readonly height: number
  }
  signAndSubmit(body: ClaimBody): unknown
}

export interface RewardsParts {
  db: DatabaseSync
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  /**
   * This node's binding of its peer id to its FALCON key, carried in the receipts it signs as a holder so
   * that an owner can claim them before the ledger has recorded the binding.
   */
  binding?: SignedPeerBinding
  /** The active network's ledger, or null when it has none (then nothing is earned or claimed). */
  ledger(): RewardsLedger | null
  log: Logger
  now?: () => number
}

type ReceiptRow = { lease_id: string; starts_at: number; ends_at: number; receipt: string; lease: string }

/**
 * Satisfies the assets subsystem's receipt port (assets/ports.ts): receipts in as owner, a signer as holder.
 */
export class RewardsService {
  private readonly address: string
  private readonly blockTimes: number[] = []
  private lastRefusal: string | null = null
  private payoutSeen: string | null = null

  constructor(private readonly parts: RewardsParts) {
    this.address = addressOf(falcon1024Scheme, parts.falcon.publicKey)
  }

  private get now(): number {
    return (this.parts.now ?? Date.now)()
  }

  take(
    signed: SignedUsageReceipt,
    lease: SignedLease,
    resource: ResourceKind,
    openedAtMs: number,
  ): string | null {
    const chain = this.parts.ledger()?.chain
    if (chain == null) return 'this network has no ledger to claim receipts on'
    // The ledger refuses usage claims for CPU and GPU time held (they earn from the work jobs measure);
    // a fill's lease is paid for the time held, whatever its resource.
    const fill = isOwnFillLease(chain.state, lease.terms.leaseId, this.address)
    if ((resource === 'cpu' || resource === 'gpu') && !fill)
      return 'CPU and GPU are paid for the measured work of jobs, not for the time a lease is held'
    const refusal =
      receiptRefusal(signed, lease.terms, chain.chainId) ?? holderKeyRefusal(chain.state, signed)
    if (refusal != null) return refusal
    const { receipt } = signed
    // Stored shards are in use while the lease lasts; memory, CPU and GPU only while a stream holds them.
    const inUseFrom = resource === 'storage' ? lease.terms.startsAt : openedAtMs
    if (receipt.startsAt < inUseFrom - CLOCK_SLACK_MS || receipt.endsAt > this.now + CLOCK_SLACK_MS)
      return 'the receipt covers time the lease was not in use'
    if (addressOf(falcon1024Scheme, fromBase64(signed.holderKey)) === this.address)
      return 'a receipt must be signed by the holder, not by this node'
    this.parts.db
      .prepare(
        `INSERT OR IGNORE INTO usage_receipts
           (lease_id, starts_at, ends_at, network_id, resource, receipt, lease, status, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(
        receipt.leaseId,
        receipt.startsAt,
        receipt.endsAt,
        chain.chainId,
        resource,
        JSON.stringify(signed),
        JSON.stringify(lease),
        this.now,
      )
    // Claimed at once: an idle network makes a block only every so often, and the claim brings one.
    queueMicrotask(() => this.submitNow())
    return null
  }

  private submitNow(): void {
    const ledger = this.parts.ledger()
    if (ledger == null) return
    try {
      this.submitPending(ledger)
    } catch (err) {
      this.parts.log.error({ err }, 'usage claims could not be submitted')
    }
  }

  sign(lease: LeaseTerms, startsAt: number, endsAt: number): SignedUsageReceipt | null {
    return signUsageReceipt(lease, { startsAt, endsAt }, this.parts.falcon, this.parts.binding)
  }

  /**
   * Follows a chain's blocks while started (a service the node starts before the ledger, so that no
   * block's payout goes unseen).
   */
  followChain(chain: { onBlock(listener: () => void): () => void }): {
    name: string
    start(): void
    stop(): void
  } {
    let unsubscribe: (() => void) | null = null
    return {
      name: 'rewards',
      start: () => {
        unsubscribe ??= chain.onBlock(() => this.onBlock())
      },
      stop: () => {
        unsubscribe?.()
        unsubscribe = null
      },
    }
  }

  /** After each committed block: record a new epoch's payout, settle and submit claims. */
  onBlock(): void {
    const ledger = this.parts.ledger()
    if (ledger == null) return
    const state = ledger.chain.state
    this.blockTimes.push(state.timeMs)
    if (this.blockTimes.length > 50) this.blockTimes.shift()
    this.recordPayout(ledger.chain.chainId, state)
    this.settle(ledger.chain.chainId, state)
    this.submitPending(ledger)
  }

  private recordPayout(networkId: string, state: LedgerState): void {
    const payouts = state.payouts
    // The payout stays in the state for a whole epoch: look at it once, when it is new.
    const seen = `${networkId}/${payouts?.height}`
    if (payouts == null || seen === this.payoutSeen) return
    this.payoutSeen = seen
    const amounts: Record<string, string> = { ...ZERO_AMOUNTS }
    let any = false
    for (const [key, amount] of payouts.amounts) {
      const { owner, resource } = parseUsageKey(key)
      if (owner !== this.address) continue
      amounts[resource] = amount.toString()
      any = true
    }
    if (!any) return
    this.parts.db
      .prepare(
        'INSERT OR IGNORE INTO reward_epochs (network_id, epoch, height, time_ms, amounts) VALUES (?, ?, ?, ?, ?)',
      )
      .run(networkId, payouts.epoch, payouts.height, state.timeMs, JSON.stringify(amounts))
  }

  /** Submitted claims the ledger has taken become claimed; ones it never took go back to pending. */
  private settle(networkId: string, state: LedgerState): void {
    const { db } = this.parts
    const rows = db
      .prepare(
        "SELECT lease_id, starts_at, ends_at, submitted_height FROM usage_receipts WHERE network_id = ? AND status = 'submitted'",
      )
      .all(networkId) as { lease_id: string; starts_at: number; ends_at: number; submitted_height: number }[]
    for (const row of rows) {
      if (claimTaken(state, row.lease_id, row.ends_at)) this.setStatus(row, 'claimed', null)
      else if (state.height - row.submitted_height > RESUBMIT_AFTER_BLOCKS)
        this.setStatus(row, 'pending', null)
    }
  }

  private submitPending(ledger: RewardsLedger): void {
    const rows = this.parts.db
      .prepare(
        `SELECT lease_id, starts_at, ends_at, receipt, lease FROM usage_receipts
         WHERE network_id = ? AND status = 'pending' ORDER BY lease_id, starts_at LIMIT ?`,
      )
      .all(ledger.chain.chainId, CLAIMS_PER_BLOCK) as ReceiptRow[]
    for (const row of rows) {
      try {
        ledger.signAndSubmit(
          claimBodyOf(
            ledger.chain.state,
            this.address,
            JSON.parse(row.lease) as SignedLease,
            JSON.parse(row.receipt) as SignedUsageReceipt,
          ),
        )
        this.parts.db
          .prepare(
            "UPDATE usage_receipts SET status = 'submitted', submitted_height = ? WHERE lease_id = ? AND starts_at = ?",
          )
          .run(ledger.chain.height, row.lease_id, row.starts_at)
        this.lastRefusal = null
      } catch (err) {
        const code = err instanceof LedgerRejection ? err.code : null
        if (code != null && UNFUNDED.has(code)) {
          // The claim is good but its fee cannot be paid yet: it waits, and is tried again with later blocks.
          this.lastRefusal = `${(err as Error).message}; a claim pays the network's fee, so this node's account needs CAESAR first`
          return
        }
        // A refusal by the ledger says why; anything else (a damaged row) is logged in full.
        const reason = (err as Error).message
        if (err instanceof LedgerRejection)
          this.parts.log.info({ lease: row.lease_id, reason }, 'a usage claim was refused')
        else this.parts.log.error({ err }, 'a stored usage receipt could not be claimed')
        this.lastRefusal = reason
        this.setStatus(row, 'refused', reason)
      }
    }
  }

  private setStatus(
    row: { lease_id: string; starts_at: number },
    status: string,
    reason: string | null,
  ): void {
    this.parts.db
      .prepare('UPDATE usage_receipts SET status = ?, reason = ? WHERE lease_id = ? AND starts_at = ?')
      .run(status, reason, row.lease_id, row.starts_at)
  }

  status(): RewardsStatus {
    const ledger = this.parts.ledger()
    if (ledger == null) return this.disabled()
    const { chain } = ledger
    const schedule = scheduleOf(chain.params)
    const history = this.history(chain.chainId)
    const lifetime = history.reduce((sum, e) => sum + BigInt(e.total), 0n)
    const blockMs = this.blockMs(chain.params.blockIntervalMs)
    const epochHours = (schedule.epochBlocks * blockMs) / 3_600_000
    const last = history.at(-1)
    const accruing: Record<string, string> = { ...ZERO_AMOUNTS }
    for (const [key, weighted] of chain.state.usage) {
      const { owner, resource } = parseUsageKey(key)
      if (owner === this.address) accruing[resource] = rewardFor(weighted, resource, schedule).toString()
    }
    return {
      enabled: true,
      schedule,
      epoch: epochOf(chain.height, schedule),
      blocksLeftInEpoch: schedule.epochBlocks - (chain.height % schedule.epochBlocks),
      blockMs,
      lifetime: lifetime.toString(),
      ratePerHour: last != null && epochHours > 0 ? Number(last.total) / epochHours : 0,
      accruing: accruing as RewardAmounts,
      history,
      receipts: this.receiptCounts(chain.chainId),
      lastRefusal: this.lastRefusal,
    }
  }

  private disabled(): RewardsStatus {
    return {
      enabled: false,
      schedule: DEFAULT_REWARD_SCHEDULE,
      epoch: 0,
      blocksLeftInEpoch: 0,
      blockMs: 0,
      lifetime: '0',
      ratePerHour: 0,
      accruing: ZERO_AMOUNTS,
      history: [],
      receipts: { pending: 0, claimed: 0, refused: 0 },
      lastRefusal: null,
    }
  }

  /** Mean block time over the blocks seen lately; the configured interval until there are two. */
  private blockMs(configured: number): number {
    const times = this.blockTimes
    if (times.length < 2) return Math.max(configured, 1)
    return Math.max((times.at(-1)! - times[0]!) / (times.length - 1), 1)
  }

  private history(networkId: string): EpochEarnings[] {
    const rows = this.parts.db
      .prepare(
        'SELECT epoch, height, time_ms, amounts FROM reward_epochs WHERE network_id = ? ORDER BY epoch DESC LIMIT ?',
      )
      .all(networkId, HISTORY_EPOCHS) as { epoch: number; height: number; time_ms: number; amounts: string }[]
    return rows.reverse().map((row) => {
      const byResource = { ...ZERO_AMOUNTS, ...(JSON.parse(row.amounts) as Partial<RewardAmounts>) }
      const total = RESOURCE_KINDS.reduce((sum, r) => sum + BigInt(byResource[r]), 0n)
      return {
        epoch: row.epoch,
        height: row.height,
        timeMs: row.time_ms,
        byResource,
        total: total.toString(),
      }
    })
  }

  private receiptCounts(networkId: string): RewardsStatus['receipts'] {
    const counts = { pending: 0, claimed: 0, refused: 0 }
    const rows = this.parts.db
      .prepare('SELECT status, COUNT(*) AS n FROM usage_receipts WHERE network_id = ? GROUP BY status')
      .all(networkId) as { status: string; n: number }[]
    for (const { status, n } of rows) {
      if (status === 'claimed' || status === 'refused') counts[status] += n
      else counts.pending += n
    }
    return counts
  }
}
