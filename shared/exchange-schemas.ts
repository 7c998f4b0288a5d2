/**
 * The exchange's part of the API contract (docs/caesar.md, The exchange): an order book per resource
 * market on the ledger, limit orders and cancels signed by the node's account or an unlocked wallet
 * account, and the fills they made, each a lease escrow paid out as the lease's use is proven.
 */
import { z } from 'zod'
import { AddressText, AmountText } from './chain-schemas'
import { HashText, PeerIdText } from './schemas'
import { ResourceKind } from './sharing-schemas'

const Address = AddressText
const Hash = HashText
const Positive = AmountText.refine((a) => a !== '0', 'more than 0')

export const Market = ResourceKind
export type Market = z.infer<typeof Market>
export const OrderSide = z.enum(['buy', 'sell'])
export type OrderSide = z.infer<typeof OrderSide>

export const MarketSummary = z.object({
  market: Market,
  /** What one unit of quantity is: core-hour, GPU-hour, GiB-hour, GiB-month. */
  unit: z.string(),
  bestBid: AmountText.nullable(),
  bestAsk: AmountText.nullable(),
  /** The price of the latest fill the ledger still holds, or null. */
  lastPrice: AmountText.nullable(),
})
export type MarketSummary = z.infer<typeof MarketSummary>

/** Resting quantity at one price. */
export const BookLevel = z.object({ price: AmountText, quantity: AmountText, orders: z.number().int() })
export type BookLevel = z.infer<typeof BookLevel>

export const Trade = z.object({
  /** Also the id of its lease escrow and of the lease that delivers it. */
  fillId: Hash,
  market: Market,
  price: AmountText,
  quantity: AmountText,
  buyer: Address,
  seller: Address,
  /** The peer the buyer bought it for: the one that asks for its lease (exchange.takeDelivery). */
  holder: PeerIdText,
  /** Which side placed the order that matched a resting one. */
  takerSide: OrderSide,
  height: z.number().int(),
  timeMs: z.number(),
  /** Still held in escrow, and whether it is open, paid out to the seller or refunded to the buyer. */
  held: AmountText,
  status: z.enum(['open', 'released', 'refunded']),
})
export type Trade = z.infer<typeof Trade>

export const BookQuery = z.object({ market: Market }).strict()
export const OrderBook = z.object({
  market: Market,
  unit: z.string(),
  /** Best first, at most 50 levels a side. */
  bids: z.array(BookLevel),
  asks: z.array(BookLevel),
  /** Newest first, at most 50. */
  trades: z.array(Trade),
  height: z.number().int(),
})
export type OrderBook = z.infer<typeof OrderBook>

export const OrderDraft = z
  .object({
    market: Market,
    side: OrderSide,
    /** CAESAR base units per unit of the market. */
    price: Positive,
    quantity: Positive,
    /** The signing account: the node's, or an unlocked wallet account's. Absent: the node's. */
    from: Address.optional(),
    /** A buy's lease holder. Absent: this node. */
    holder: PeerIdText.optional(),
    /** A sell's asset. Absent: the signing account's registered asset of the market. */
    assetId: Hash.optional(),
  })
  .strict()
export type OrderDraft = z.infer<typeof OrderDraft>

/** What an order would do if placed now, before it is signed. */
export const OrderPreview = z.object({
  /** How much would fill at once, and at what average price (null when nothing fills). */
  fillsNow: AmountText,
  averagePrice: z.string().nullable(),
  /** What the fills cost (a buy) or earn once delivered (a sell). */
  fillValue: AmountText,
  /** What would rest on the book. */
  rests: AmountText,
  fee: AmountText,
  /** What a buy holds of the balance until filled or cancelled (price × quantity); 0 for a sell. */
  holds: AmountText,
  /** The signing account's balance, and after the order (null when it cannot pay). */
  balance: AmountText,
  balanceAfter: AmountText.nullable(),
  /** Why it could not be placed as it stands (empty when it could). */
  problems: z.array(z.string()),
})
export type OrderPreview = z.infer<typeof OrderPreview>

export const PlacedOrder = z.object({ orderId: Hash, txId: Hash })
export type PlacedOrder = z.infer<typeof PlacedOrder>

export const CancelRequest = z.object({ orderId: Hash }).strict()

export const MyOrder = z.object({
  orderId: Hash,
  account: Address,
  market: Market,
  side: OrderSide,
  price: AmountText,
  quantity: AmountText,
  remaining: AmountText,
  /**
   * pending: submitted, not yet in a block; open: resting, nothing filled; partial: resting, partly
   * filled; filled; cancelled (or a rest the ledger cancelled); refused: a block refused it.
   */
  state: z.enum(['pending', 'open', 'partial', 'filled', 'cancelled', 'refused']),
  placedAt: z.number(),
  /** Why it was refused, when it was. */
  problem: z.string().nullable(),
})
export type MyOrder = z.infer<typeof MyOrder>

export const MyExchange = z.object({
  /** Newest first: the orders of this node's account and the wallet's accounts. */
  orders: z.array(MyOrder),
  /** Fills where one of those accounts bought or sold, newest first. */
  trades: z.array(Trade),
})
export type MyExchange = z.infer<typeof MyExchange>

/** The buyer's holder asks the seller for the lease that delivers a fill (the amount in the lease's unit). */
export const DeliveryRequest = z
  .object({
    fillId: Hash,
    minutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60, 'a lease lasts at most 30 days'),
    /** Memory and storage; absent: 64 MiB. */
    amountBytes: z.number().int().min(4096).max(Number.MAX_SAFE_INTEGER).optional(),
    /** CPU and GPU; absent: one core. */
    millicores: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
export type DeliveryRequest = z.infer<typeof DeliveryRequest>

export const DeliveredFill = z.object({
  /** The signed lease as JSON text (its id is the fill's), to use like any lease this node holds. */
  lease: z.string(),
  /** The seller's peer that serves it. */
  owner: PeerIdText,
  expiresAt: z.number(),
})
export type DeliveredFill = z.infer<typeof DeliveredFill>

/**
 * The owner's terms as an offer: a sell order of `hours` of this node's shared allocation of `resource`
 * at its minimum price (the sharing settings' price an hour of the whole allocation, per market unit,
 * rounded up), signed by the node's account.
 */
export const ShareOfferRequest = z
  .object({
    resource: Market,
    hours: z
      .number()
      .int()
      .min(1)
      .max(30 * 24, 'offer at most 30 days'),
  })
  .strict()
export type ShareOfferRequest = z.infer<typeof ShareOfferRequest>

export const ShareOffer = z.object({
  orderId: Hash,
  txId: Hash,
  price: AmountText,
  quantity: AmountText,
  unit: z.string(),
})
export type ShareOffer = z.infer<typeof ShareOffer>
