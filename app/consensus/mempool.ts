/**
 * Transactions waiting for a block: checked on entry, cheapest checks first (chain, size, account, nonce,
 * fee, the sender's share of the pool) and the signature last; one that is next for its account is also
 * executed on a scratch state, so that a transfer beyond the balance is refused with that reason.
 * De-duplicated by id and by (sender, nonce), bounded in count overall and per sender, with nonces at most
 * a bounded gap ahead; dropped once committed, outdated, no longer executable, or waiting too long.
 * A transaction that can never apply must not stay: it would keep an on-demand chain making blocks that
 * leave it out, and one funded account must not be able to fill the pool with future nonces.
 */
import type { Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import type { LedgerState } from './state'
import { txId, txSize, verifyTxSignature, type SignedTx } from './tx'
import { applyTx, beginBlock, type ExecutionContext } from './execute'

/** The fee's recipient in a scratch execution: nobody, so that it cannot change the sender's balance. */
const NO_PROPOSER = '0'.repeat(40)

export interface MempoolLimits {
  /** Transactions waiting in all. */
  readonly capacity: number
  /** Transactions one sender may have waiting. */
  readonly perSender: number
  /** How far ahead of its account's nonce a transaction's nonce may be (0: only the next). */
  readonly maxNonceGap: number
  /** How long a transaction may wait before it is dropped. */
  readonly ttlMs: number
}

export const DEFAULT_MEMPOOL_LIMITS: MempoolLimits = {
  capacity: 20_000,
  perSender: 64,
  maxNonceGap: 63,
  ttlMs: 10 * 60_000,
}

interface Waiting {
  readonly tx: SignedTx
  readonly id: Hash
  readonly arrivedAt: number
}

export class Mempool {
  private readonly byId = new Map<Hash, Waiting>()
  /** Each sender's waiting transactions by nonce. */
  private readonly bySender = new Map<string, Map<number, Waiting>>()
  readonly limits: MempoolLimits

  constructor(
    private readonly ctx: ExecutionContext,
    limits: Partial<MempoolLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_MEMPOOL_LIMITS, ...limits }
  }

  get size(): number {
    return this.byId.size
  }

  /** Admits a transaction or throws LedgerRejection; returns false when it was already waiting. */
  add(tx: SignedTx, state: LedgerState): boolean {
    const id = txId(tx)
    if (this.byId.has(id)) return false
    this.expire()
    const evict = this.admission(tx, state)
    verifyTxSignature(tx, this.ctx.scheme, this.ctx.chainId, this.ctx.cache)
    if (tx.body.nonce === state.account(tx.body.from)?.nonce) this.dryRun(tx, state)
    if (evict != null) this.remove(evict)
    this.insert({ tx, id, arrivedAt: this.now() })
    return true
  }

  /**
   * Whether `tx` is worth verifying its signature for: false when it is already waiting; throws the
   * LedgerRejection of the first check of `add` it fails that needs no signature or execution.
   */
  precheck(tx: SignedTx, state: LedgerState): boolean {
    if (this.byId.has(txId(tx))) return false
    this.admission(tx, state)
    return true
  }

  /**
   * The checks of `add` that need no signature or execution: throws the LedgerRejection, or returns the
   * waiting transaction that admitting this one would evict (when the pool is full and the sender of that
   * one holds more of it), or null.
   */
  private admission(tx: SignedTx, state: LedgerState): Waiting | null {
    const { body } = tx
    const { params, chainId } = this.ctx
    if (body.chainId !== chainId)
      reject('wrong-chain', `transaction is for chain ${body.chainId.slice(0, 12)}…`)
    const size = txSize(tx)
    if (size > params.maxTxBytes)
      reject('oversized', `transaction is ${size} bytes; the limit is ${params.maxTxBytes}`)
    const account = state.account(body.from)
    if (account == null) return reject('unknown-account', `account ${body.from} has never received funds`)
    if (body.nonce < account.nonce)
      reject(
        'wrong-nonce',
        `nonce ${body.nonce} was already used; account ${body.from} is at ${account.nonce}`,
      )
    if (body.nonce > account.nonce + this.limits.maxNonceGap)
      reject(
        'wrong-nonce',
        `nonce ${body.nonce} is too far ahead: account ${body.from} is at ${account.nonce}, and transactions wait at most ${this.limits.maxNonceGap} nonces ahead`,
      )
    if (BigInt(body.fee) < BigInt(params.minFee))
      reject('fee-too-low', `fee ${body.fee} is below the minimum ${params.minFee}`)
    const own = this.bySender.get(body.from)
    if (own?.has(body.nonce) === true)
      reject('duplicate', `account ${body.from} already has a transaction with nonce ${body.nonce} waiting`)
    if ((own?.size ?? 0) >= this.limits.perSender)
      reject(
        'oversized',
        `account ${body.from} already has ${this.limits.perSender} transactions waiting; try again after the next block`,
      )
    if (this.byId.size < this.limits.capacity) return null
    const victim = this.evictionCandidate((own?.size ?? 0) + 1)
    if (victim == null) reject('oversized', 'the transaction pool is full; try again in a few blocks')
    return victim
  }

  /** Waiting transactions in nonce order per sender, oldest arrival first across senders. */
  pending(limit: number): SignedTx[] {
    this.expire()
    const all = [...this.byId.values()].map((w) => w.tx)
    const firstSeen = new Map<string, number>()
    all.forEach((tx, i) => firstSeen.has(tx.body.from) || firstSeen.set(tx.body.from, i))
    const order = (tx: SignedTx): number => firstSeen.get(tx.body.from) as number
    return all.sort((a, b) => order(a) - order(b) || a.body.nonce - b.body.nonce).slice(0, limit)
  }

  /** The nonce `address`'s next transaction should carry: after its committed and its waiting ones. */
  nextNonce(address: string, state: LedgerState): number {
    let next = state.account(address)?.nonce ?? 0
    for (const nonce of this.bySender.get(address)?.keys() ?? []) next = Math.max(next, nonce + 1)
    return next
  }

  /** Whether some waiting transaction could go into the next block (its nonce is the account's next). */
  hasReady(state: LedgerState): boolean {
    for (const [sender, own] of this.bySender) {
      const nonce = state.account(sender)?.nonce
      if (nonce != null && own.has(nonce)) return true
    }
    return false
  }

  /**
   * Drops what a committed state has made stale (used nonces) or unable to apply (the next one fails), and
   * whatever has waited longer than the limit.
   */
  prune(state: LedgerState): void {
    this.expire()
    for (const waiting of [...this.byId.values()]) {
      const { tx } = waiting
      const account = state.account(tx.body.from)
      if (account == null || tx.body.nonce < account.nonce) this.remove(waiting)
      else if (tx.body.nonce === account.nonce && !this.applies(tx, state)) this.remove(waiting)
    }
  }

  /**
   * Drops transactions that have waited longer than the limit (future nonces whose gap never filled);
   * run on every admission, block and gossip round, and cheap when nothing is due.
   */
  expire(): void {
    const oldest = this.now() - this.limits.ttlMs
    // Insertion order is arrival order, so the expired ones come first.
    for (const waiting of this.byId.values()) {
      if (waiting.arrivedAt > oldest) break
      this.remove(waiting)
    }
  }

  /**
   * When the pool is full: the furthest-ahead transaction of the sender holding the most, if that sender
   * holds more than the newcomer's sender would; a pool full of one sender's transactions then still
   * takes everybody else's.
   */
  private evictionCandidate(newcomerCount: number): Waiting | null {
    let largest: Map<number, Waiting> | null = null
    for (const own of this.bySender.values()) if (own.size > (largest?.size ?? 0)) largest = own
    if (largest == null || largest.size <= newcomerCount) return null
    return largest.get(Math.max(...largest.keys())) ?? null
  }

  private insert(waiting: Waiting): void {
    this.byId.set(waiting.id, waiting)
    const sender = waiting.tx.body.from
    let own = this.bySender.get(sender)
    if (own == null) this.bySender.set(sender, (own = new Map()))
    own.set(waiting.tx.body.nonce, waiting)
  }

  private remove(waiting: Waiting): void {
    this.byId.delete(waiting.id)
    const sender = waiting.tx.body.from
    const own = this.bySender.get(sender)
    if (own?.get(waiting.tx.body.nonce) === waiting) own.delete(waiting.tx.body.nonce)
    if (own?.size === 0) this.bySender.delete(sender)
  }

  /** Executes `tx` as the next block would, on a scratch state; throws its LedgerRejection. */
  private dryRun(tx: SignedTx, state: LedgerState): void {
    // The next block's time is not known yet; now is what a proposer would stamp it with.
    const timeMs = Math.max(Date.now(), state.timeMs + 1)
    applyTx(beginBlock(state, state.height + 1, timeMs, this.ctx.params), tx, this.ctx, NO_PROPOSER)
  }

  private applies(tx: SignedTx, state: LedgerState): boolean {
    try {
      this.dryRun(tx, state)
      return true
    } catch (err) {
      if (err instanceof LedgerRejection) return false
      throw err
    }
  }
}
