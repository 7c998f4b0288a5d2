/**
 * The exchange's markets: one per resource kind, each trading a fixed unit priced in CAESAR base units.
 * A fill is delivered as a lease of the seller's asset; the holder's usage receipts measure use in the
 * lease's own unit (thousandths of a core, or bytes) times seconds, and `unitSecondsPer` converts that to
 * the market's unit, so payment follows proven use exactly.
 */
import { RESOURCE_KINDS, type ResourceKind } from '../../../shared/sharing-schemas'

export type Market = ResourceKind

export interface MarketInfo {
  readonly market: Market
  /** What one unit of quantity is, for people. */
  readonly unit: string
  /** Lease unit·seconds in one market unit. */
  readonly unitSecondsPer: bigint
  /** How long after a fill the seller has to deliver it (the lease must lie in this window). */
  readonly deliveryMs: number
}

const HOUR_S = 3600n
const DAY_MS = 24 * 3600 * 1000
const GIB = 1024n ** 3n

export const MARKETS: Readonly<Record<Market, MarketInfo>> = {
  cpu: { market: 'cpu', unit: 'core-hour', unitSecondsPer: 1000n * HOUR_S, deliveryMs: 7 * DAY_MS },
  gpu: { market: 'gpu', unit: 'GPU-hour', unitSecondsPer: 1000n * HOUR_S, deliveryMs: 7 * DAY_MS },
  memory: { market: 'memory', unit: 'GiB-hour', unitSecondsPer: GIB * HOUR_S, deliveryMs: 7 * DAY_MS },
  // A month is 30 days; a storage fill may take the longest lease (30 days) to deliver.
  storage: {
    market: 'storage',
    unit: 'GiB-month',
    unitSecondsPer: GIB * 30n * 24n * HOUR_S,
    deliveryMs: 31 * DAY_MS,
  },
}

export const MARKET_NAMES = RESOURCE_KINDS

/** The most quantity one order may ask for, and the highest price per unit (keeps products in range). */
export const MAX_ORDER_QUANTITY = 1_000_000_000n
export const MAX_ORDER_PRICE = 10n ** 18n
/** The most open orders one account may have: bounds the book an attacker can make every node keep. */
export const MAX_OPEN_ORDERS_PER_ACCOUNT = 64
/**
 * The most resting orders one placement fills against. A remainder that would still cross the book after
 * that many fills is cancelled (and a buyer's funds for it returned), so the book never stays crossed and
 * one transaction's execution stays bounded.
 */
export const MAX_FILLS_PER_ORDER = 32
