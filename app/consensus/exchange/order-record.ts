/** The exchange's records in the ledger state: resting orders and fills' escrows (state.ts keeps them). */
import type { Market } from './markets'

/**
 * A resting limit order on the exchange (exchange/order-book.ts). A buy order's unfilled part holds
 * `price × remaining` of its owner's funds; a sell order holds nothing (the seller is paid only for use it
 * proves).
 */
export interface OrderRecord {
  readonly owner: string
  readonly market: Market
  readonly side: 'buy' | 'sell'
  readonly price: bigint
  readonly quantity: bigint
  readonly remaining: bigint
  /** Time priority: the order's place in the chain's sequence of placed orders. */
  readonly seq: number
  readonly height: number
  /** A buy order's lease holder (the peer that will use what it buys); '' for a sell order. */
  readonly holder: string
  /** A sell order's asset (what delivers it); '' for a buy order. */
  readonly assetId: string
}

/**
 * A fill's payment held by the ledger (exchange/lease-escrow.ts): released to the seller as the holder's
 * usage receipts prove use of the lease issued against it, refunded to the buyer after delivery ends.
 */
export interface LeaseEscrow {
  readonly buyer: string
  readonly seller: string
  readonly market: Market
  readonly assetId: string
  readonly holder: string
  readonly quantity: bigint
  readonly price: bigint
  /** What it still holds. */
  readonly amount: bigint
  readonly buyOrder: string
  readonly sellOrder: string
  /** The side of the order that matched a resting one. */
  readonly takerSide: 'buy' | 'sell'
  readonly filledAt: number
  readonly height: number
  /** The lease delivering it lies between the fill and this time. */
  readonly deliverBy: number
  /** Use up to this time was released; later receipts only. */
  readonly releasedToMs: number
  /** Lease unit·seconds released so far (payment is rounded on the total, not per receipt). */
  readonly usedUnitSeconds: bigint
  readonly status: 'open' | 'released' | 'refunded'
}
