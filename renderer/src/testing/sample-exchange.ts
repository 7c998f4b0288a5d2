/** The exchange in the contract's shapes, for tests and the demo page: a CPU market with a small book. */
import type {
  DeliveredFill,
  LeaseProbeResult,
  MarketSummary,
  MyExchange,
  MyOrder,
  OrderBook,
  OrderPreview,
  ShareOffer,
  Trade,
} from '../../../shared/api'
import { otherPeerIds, ownPeerId, SAMPLE_NOW } from './sample-data'
import { sampleAddresses } from './sample-wallet'

/** The node's own account in these samples. */
export const sampleNodeAddress = 'c0ffee0000000000000000000000000000000001'
const otherAddress = 'beef000000000000000000000000000000000002'

export const sampleMarkets: MarketSummary[] = [
  { market: 'cpu', unit: 'core-hour', bestBid: '900000', bestAsk: '1100000', lastPrice: '1000000' },
  { market: 'gpu', unit: 'GPU-hour', bestBid: null, bestAsk: null, lastPrice: null },
  { market: 'memory', unit: 'GiB-hour', bestBid: '20000', bestAsk: null, lastPrice: null },
  { market: 'storage', unit: 'GiB-month', bestBid: null, bestAsk: '50000', lastPrice: '45000' },
]

export const sampleTrade = (over: Partial<Trade> = {}): Trade => ({
  fillId: '7a'.repeat(32),
  market: 'cpu',
  price: '1000000',
  quantity: '2',
  buyer: sampleNodeAddress,
  seller: otherAddress,
  holder: ownPeerId,
  takerSide: 'buy',
  height: 41,
  timeMs: SAMPLE_NOW - 60_000,
  held: '1500000',
  status: 'open',
  ...over,
})

/** Bids 0.9 × 3 and 0.8 × 5; asks 1.1 × 2, 1.2 × 4 and 1.5 × 1 (CAESAR per core-hour). */
export const sampleBook = (over: Partial<OrderBook> = {}): OrderBook => ({
  market: 'cpu',
  unit: 'core-hour',
  bids: [
    { price: '900000', quantity: '3', orders: 1 },
    { price: '800000', quantity: '5', orders: 2 },
  ],
  asks: [
    { price: '1100000', quantity: '2', orders: 1 },
    { price: '1200000', quantity: '4', orders: 1 },
    { price: '1500000', quantity: '1', orders: 1 },
  ],
  trades: [sampleTrade()],
  height: 42,
  ...over,
})

export const emptyBook = (market: OrderBook['market'] = 'cpu'): OrderBook => ({
  market,
  unit: sampleMarkets.find((m) => m.market === market)!.unit,
  bids: [],
  asks: [],
  trades: [],
  height: 42,
})

export const samplePreview = (over: Partial<OrderPreview> = {}): OrderPreview => ({
  fillsNow: '2',
  averagePrice: '1100000',
  fillValue: '2200000',
  rests: '1',
  fee: '1000',
  holds: '3300000',
  balance: '100000000',
  balanceAfter: '96699000',
  problems: [],
  ...over,
})

export const sampleOrder = (over: Partial<MyOrder> = {}): MyOrder => ({
  orderId: '0a'.repeat(32),
  account: sampleNodeAddress,
  market: 'cpu',
  side: 'buy',
  price: '900000',
  quantity: '3',
  remaining: '3',
  state: 'open',
  placedAt: SAMPLE_NOW - 120_000,
  problem: null,
  ...over,
})

export const sampleMine = (): MyExchange => ({
  orders: [
    sampleOrder(),
    sampleOrder({ orderId: '0b'.repeat(32), state: 'partial', remaining: '1', account: sampleAddresses[0]! }),
    sampleOrder({ orderId: '0c'.repeat(32), state: 'filled', remaining: '0' }),
    sampleOrder({ orderId: '0d'.repeat(32), state: 'refused', problem: 'the balance cannot pay it' }),
  ],
  trades: [sampleTrade(), sampleTrade({ fillId: '7b'.repeat(32), status: 'released', held: '0' })],
})

/** The lease a seller gave for the sample trade (its lease text stands in for a signed one). */
export const sampleDelivered = (over: Partial<DeliveredFill> = {}): DeliveredFill => ({
  lease: JSON.stringify({ id: '7a'.repeat(32), terms: { resource: 'cpu' } }),
  owner: otherPeerIds[0],
  expiresAt: SAMPLE_NOW + 3_600_000,
  ...over,
})

export const sampleProbe = (over: Partial<LeaseProbeResult> = {}): LeaseProbeResult => ({
  resource: 'memory',
  bytes: 64 * 1024 ** 2,
  ms: 12.4,
  ...over,
})

/** 24 hours of one shared core at 0.5 CAESAR per core-hour. */
export const sampleShareOffer = (over: Partial<ShareOffer> = {}): ShareOffer => ({
  orderId: 'e1'.repeat(32),
  txId: 'f2'.repeat(32),
  price: '500000',
  quantity: '24',
  unit: 'core-hour',
  ...over,
})
