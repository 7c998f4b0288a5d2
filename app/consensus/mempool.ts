/**
 * Transactions waiting for a block: checked on entry (size, shape, chain, key, signature, nonce not already
 * used; one that is next for its account is also executed on a scratch state, so that a transfer beyond
 * the balance is refused with that reason), bounded in count, de-duplicated by id, and dropped once
 * committed, outdated, or no longer executable. A transaction that can never apply must not stay: it
 * would keep an on-demand chain making blocks that leave it out.
 */
import type { Hash } from './codec'
import { LedgerRejection, reject } from './errors'
import type { LedgerState } from './state'
import { txId, txSize, verifyTxSignature, type SignedTx } from './tx'
import { applyTx, beginBlock, type ExecutionContext } from './execute'

/** The fee's recipient in a scratch execution: nobody, so that it cannot change the sender's balance. */
const NO_PROPOSER = '0'.repeat(40)

export class Mempool {
  private readonly byId = new Map<Hash, SignedTx>()

  constructor(
    private readonly ctx: ExecutionContext,
    private readonly capacity = 20_000,
  ) {}

  get size(): number {
    return this.byId.size
  }

  /** Admits a transaction or throws LedgerRejection; returns false when it was already waiting. */
  add(tx: SignedTx, state: LedgerState): boolean {
    const id = txId(tx)
    if (this.byId.has(id)) return false
    if (this.byId.size >= this.capacity)
      reject('oversized', 'the transaction pool is full; try again in a few blocks')
    const size = txSize(tx)
    if (size > this.ctx.params.maxTxBytes)
      reject('oversized', `transaction is ${size} bytes; the limit is ${this.ctx.params.maxTxBytes}`)
    verifyTxSignature(tx, this.ctx.scheme, this.ctx.chainId, this.ctx.cache)
    const account = state.account(tx.body.from)
    if (account == null) reject('unknown-account', `account ${tx.body.from} has never received funds`)
    if (tx.body.nonce < account!.nonce)
      reject(
        'wrong-nonce',
        `nonce ${tx.body.nonce} was already used; account ${tx.body.from} is at ${account!.nonce}`,
      )
    if (tx.body.nonce === account!.nonce) this.dryRun(tx, state)
    this.byId.set(id, tx)
    return true
  }

  /** Waiting transactions in nonce order per sender, oldest arrival first across senders. */
  pending(limit: number): SignedTx[] {
    const all = [...this.byId.values()]
    const firstSeen = new Map<string, number>()
    all.forEach((tx, i) => firstSeen.has(tx.body.from) || firstSeen.set(tx.body.from, i))
    const order = (tx: SignedTx): number => firstSeen.get(tx.body.from) as number
    return all.sort((a, b) => order(a) - order(b) || a.body.nonce - b.body.nonce).slice(0, limit)
  }

  /** The nonce `address`'s next transaction should carry: after its committed and its waiting ones. */
  nextNonce(address: string, state: LedgerState): number {
    let next = state.account(address)?.nonce ?? 0
    for (const tx of this.byId.values())
      if (tx.body.from === address) next = Math.max(next, tx.body.nonce + 1)
    return next
  }

  /** Whether some waiting transaction could go into the next block (its nonce is the account's next). */
  hasReady(state: LedgerState): boolean {
    for (const tx of this.byId.values()) if (state.account(tx.body.from)?.nonce === tx.body.nonce) return true
    return false
  }

  /** Drops what a committed state has made stale (used nonces) or unable to apply (the next one fails). */
  prune(state: LedgerState): void {
    for (const [id, tx] of this.byId) {
      const account = state.account(tx.body.from)
      if (account == null || tx.body.nonce < account.nonce) this.byId.delete(id)
      else if (tx.body.nonce === account.nonce && !this.applies(tx, state)) this.byId.delete(id)
    }
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
