/**
 * Read-only views of the ledger's exchange for the API: market summaries, a book by price level, trades,
 * and what an order would do now. Pure functions of the committed state.
 */
import {
  restingOrders,
  MARKETS,
  planFills,
  type LeaseEscrow,
  type LedgerState,
  type Market,
  type OrderRecord,
} from '../../consensus'
import type { BookLevel, MarketSummary, OrderBook, Trade } from '../../../shared/exchange-schemas'

const MAX_LEVELS = 50
const MAX_TRADES = 50

/** Resting orders aggregated by price, best first. */
export function levelsOf(orders: Iterable<{ order: OrderRecord }>, max = MAX_LEVELS): BookLevel[] {
  const levels: { price: bigint; quantity: bigint; orders: number }[] = []
  for (const { order } of orders) {
    const last = levels[levels.length - 1]
    if (last?.price === order.price) {
      last.quantity += order.remaining
      last.orders++
    } else {
      if (levels.length === max) break
      levels.push({ price: order.price, quantity: order.remaining, orders: 1 })
    }
  }
  return levels.map((l) => ({ price: l.price.toString(), quantity: l.quantity.toString(), orders: l.orders }))
}

export const tradeOf = (fillId: string, e: LeaseEscrow): Trade => ({
  fillId,
  market: e.market,
  price: e.price.toString(),
  quantity: e.quantity.toString(),
  buyer: e.buyer,
  seller: e.seller,
  holder: e.holder,
  takerSide: e.takerSide,
  height: e.height,
  timeMs: e.filledAt,
  held: e.amount.toString(),
  status: e.status,
})

/** Fills the ledger still holds that `include` accepts, newest first. */
export function tradesOf(
  state: LedgerState,
  include: (e: LeaseEscrow) => boolean,
  max = MAX_TRADES,
): Trade[] {
  const trades: Trade[] = []
  for (const [id, e] of state.leaseEscrows) if (include(e)) trades.push(tradeOf(id, e))
  return trades.sort((a, b) => b.height - a.height || b.timeMs - a.timeMs).slice(0, max)
}

export function orderBook(state: LedgerState, market: Market): OrderBook {
  return {
    market,
    unit: MARKETS[market].unit,
    bids: levelsOf(restingOrders(state, market, 'buy')),
    asks: levelsOf(restingOrders(state, market, 'sell')),
    trades: tradesOf(state, (e) => e.market === market),
    height: state.height,
  }
}

export function marketSummaries(state: LedgerState): MarketSummary[] {
  return (Object.keys(MARKETS) as Market[]).map((market) => {
    const best = (side: 'buy' | 'sell'): string | null =>
      restingOrders(state, market, side).next().value?.order.price.toString() ?? null
    const last = tradesOf(state, (e) => e.market === market, 1)[0]
    return {
      market,
      unit: MARKETS[market].unit,
      bestBid: best('buy'),
      bestAsk: best('sell'),
      lastPrice: last?.price ?? null,
    }
  })
}

/** `numerator / denominator` with up to 4 decimals, for an average price. */
export function decimalRatio(numerator: bigint, denominator: bigint): string {
  const scaled = (numerator * 10_000n) / denominator
  const whole = scaled / 10_000n
  const fraction = (scaled % 10_000n).toString().padStart(4, '0').replace(/0+$/, '')
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`
}

export interface FillEstimate {
  fillsNow: bigint
  fillValue: bigint
  averagePrice: string | null
  /** What would rest on the book (0 when the ledger would cancel a rest that still crosses). */
  rests: bigint
  selfTrade: string | null
}

/** What an order would fill against the committed book now. */
export function estimateFills(
  state: LedgerState,
  order: { owner: string; market: Market; side: 'buy' | 'sell'; price: bigint; quantity: bigint },
): FillEstimate {
  const plan = planFills(state, order)
  const fillsNow = plan.fills.reduce((sum, f) => sum + f.quantity, 0n)
  const fillValue = plan.fills.reduce((sum, f) => sum + f.quantity * f.price, 0n)
  return {
    fillsNow,
    fillValue,
    averagePrice: fillsNow === 0n ? null : decimalRatio(fillValue, fillsNow),
    rests: plan.restCrosses ? 0n : plan.rest,
    selfTrade: plan.selfTrade,
  }
}
