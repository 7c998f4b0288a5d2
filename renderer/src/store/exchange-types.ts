/** The exchange view's part of the store's shape: the state it holds and the actions that change it. */
import type {
  DeliveredFill,
  DeliveryRequest,
  LeaseProbeResult,
  Market,
  MarketSummary,
  MyExchange,
  OrderBook,
  OrderDraft,
  OrderPreview,
  PlacedOrder,
  ShareOffer,
  ShareOfferRequest,
} from '../../../shared/api'
import type { Outcome } from './types'

export interface ExchangeArea {
  /** Each market's unit, best bid and ask, and last price; null until read. */
  markets: MarketSummary[] | null
  /** The market whose book the view shows (and reads). */
  market: Market
  /** The book of `market`; null until read, and again while another market's book is on its way. */
  book: OrderBook | null
  /** The orders and trades of this node's account and the wallet's accounts; null until read. */
  mine: MyExchange | null
  /** Whether an order is being signed and submitted now. */
  placing: boolean
  /** The order whose cancel is being submitted now; null when none is. */
  cancelling: string | null
  /** The fill whose lease is being asked of its seller now; null when none is. */
  delivering: string | null
  /** Whether a delivered lease is being used now. */
  usingLease: boolean
  /** Whether an offer of this node's shared allocation is being signed and submitted now. */
  offering: boolean
}

export interface ExchangeActions {
  /** Reads the markets, the selected market's book and this node's orders and trades. */
  refreshExchange(): Promise<void>
  /** Reads them now and again while the view is shown. Returns stop. */
  watchExchange(): () => void
  /** Shows (and reads) another market's book. */
  selectMarket(market: Market): void
  /** What an order would do if placed now; nothing is signed. */
  previewOrder(draft: OrderDraft): Promise<Outcome<OrderPreview>>
  /** Signs and submits an order; it is pending until a block commits it. */
  placeOrder(draft: OrderDraft): Promise<Outcome<PlacedOrder>>
  /** Signs and submits the cancel of one of the orders in `mine`. */
  cancelOrder(orderId: string): Promise<Outcome<{ txId: string }>>
  /** Asks the seller of a fill this node holds for its lease; its use is paid from the fill's escrow. */
  takeDelivery(request: DeliveryRequest): Promise<Outcome<DeliveredFill>>
  /** Uses a delivered lease once (write and read back); its receipt proves the use at close. */
  probeDelivery(lease: string): Promise<Outcome<LeaseProbeResult>>
  /** Offers hours of this node's shared allocation at the sharing terms' minimum price (a sell order). */
  offerShare(request: ShareOfferRequest): Promise<Outcome<ShareOffer>>
}
