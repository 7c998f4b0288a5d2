/**
 * The exchange on the ledger: the state transition rules of `order-buy`, `order-sell` and `order-cancel`
 * (docs/caesar.md, The exchange). Every validator matches inside block execution, in transaction order, so
 * every validator computes the same fills.
 *
 * - An order is checked, then matched against the opposite side of its market's book: best price first,
 *   then time (the chain's order sequence). It trades at the resting order's price, so a buyer whose limit
 *   is above the ask pays the ask and gets the difference back at once.
 * - Each fill moves `price × quantity` into a lease escrow (./lease-escrow.ts) between buyer and seller.
 * - What is left rests on the book; a buy order's rest holds `price × rest` of the buyer's funds.
 * - An order never trades with its own account's orders: one that would is refused (self-trade).
 * - One placement fills at most MAX_FILLS_PER_ORDER resting orders; a rest that would still cross is
 *   cancelled, so the book is never crossed.
 *
 * Matching is planned in full before anything is written, so a refused order changes nothing.
 */
import { hashOf } from '../codec'
import { reject } from '../errors'
import type { Account, LeaseEscrow, LedgerState, OrderRecord } from '../state'
import type { TxBody } from '../tx'
import {
  MARKETS,
  MAX_FILLS_PER_ORDER,
  MAX_OPEN_ORDERS_PER_ACCOUNT,
  MAX_ORDER_PRICE,
  MAX_ORDER_QUANTITY,
  type Market,
} from './markets'

type OrderBody = Extract<TxBody, { kind: 'order-buy' | 'order-sell' }>

const FILL_DOMAIN = 'hypermesh/fill/v1'

const short = (id: string): string => `${id.slice(0, 12)}…`

/** A fill's id, which is also its lease escrow's id and the lease's id. */
export const fillIdOf = (takerOrder: string, makerOrder: string): string =>
  hashOf(FILL_DOMAIN, { taker: takerOrder, maker: makerOrder })

/**
 * What an order takes from its sender's balance besides the fee: a buy order's whole limit, a sell
 * order nothing. Checks the price and quantity first, so a malformed order is refused as that, before the
 * balance is compared with it.
 */
export function orderSpend(body: OrderBody): bigint {
  const { price, quantity } = priceAndQuantity(body)
  return body.kind === 'order-buy' ? price * quantity : 0n
}

function priceAndQuantity(body: OrderBody): { price: bigint; quantity: bigint } {
  const price = BigInt(body.price)
  const quantity = BigInt(body.quantity)
  if (price === 0n || price > MAX_ORDER_PRICE)
    reject('malformed', `a price is between 1 and ${MAX_ORDER_PRICE} units per ${MARKETS[body.market].unit}`)
  if (quantity === 0n || quantity > MAX_ORDER_QUANTITY)
    reject('malformed', `a quantity is between 1 and ${MAX_ORDER_QUANTITY} ${MARKETS[body.market].unit}s`)
  return { price, quantity }
}

/** Whether a resting order at `restingPrice` trades with an incoming `side` order at `limit`. */
export const crosses = (side: 'buy' | 'sell', limit: bigint, restingPrice: bigint): boolean =>
  side === 'buy' ? restingPrice <= limit : restingPrice >= limit

/** Best first: lowest asks or highest bids, then the earliest. */
export function byPriority(a: OrderRecord, b: OrderRecord): number {
  if (a.price !== b.price) return (a.side === 'sell' ? a.price < b.price : a.price > b.price) ? -1 : 1
  return a.seq - b.seq
}

/** The resting orders of one side of a market, best first, read as far as the caller goes. */
export function* restingOrders(
  state: LedgerState,
  market: Market,
  side: 'buy' | 'sell',
): Generator<{ id: string; order: OrderRecord }> {
  for (const { id } of state.book().side(market, side)) yield { id, order: state.orders.get(id)! }
}

/** The whole of one side of a market, best first. */
export const bookSide = (
  state: LedgerState,
  market: Market,
  side: 'buy' | 'sell',
): { id: string; order: OrderRecord }[] => [...restingOrders(state, market, side)]

export interface PlannedFill {
  readonly makerId: string
  readonly maker: OrderRecord
  readonly quantity: bigint
  readonly price: bigint
}

/**
 * The fills an order at `limit` for `quantity` would make against `state`'s book, and whether a rest is
 * left that would still cross (it is then cancelled). Read-only: also what the UI's preview shows.
 */
export function planFills(
  state: LedgerState,
  order: { owner: string; market: Market; side: 'buy' | 'sell'; price: bigint; quantity: bigint },
): { fills: PlannedFill[]; rest: bigint; restCrosses: boolean; selfTrade: string | null } {
  const opposite = restingOrders(state, order.market, order.side === 'buy' ? 'sell' : 'buy')
  const fills: PlannedFill[] = []
  let rest = order.quantity
  for (const { id, order: maker } of opposite) {
    if (rest === 0n || !crosses(order.side, order.price, maker.price)) break
    if (maker.owner === order.owner) return { fills, rest, restCrosses: true, selfTrade: id }
    if (fills.length === MAX_FILLS_PER_ORDER) return { fills, rest, restCrosses: true, selfTrade: null }
    const quantity = rest < maker.remaining ? rest : maker.remaining
    fills.push({ makerId: id, maker, quantity, price: maker.price })
    rest -= quantity
  }
  return { fills, rest, restCrosses: false, selfTrade: null }
}

function checkOrder(state: LedgerState, body: OrderBody): { price: bigint; quantity: bigint } {
  const { price, quantity } = priceAndQuantity(body)
  if (body.kind === 'order-sell') {
    const asset = state.assets.get(body.assetId)
    if (asset == null) return reject('unknown-asset', `asset ${short(body.assetId)} is not registered`)
    if (asset.owner !== body.from)
      reject('not-authorized', `asset ${short(body.assetId)} belongs to ${asset.owner}; only it sells it`)
    if (asset.resource !== body.market)
      reject('malformed', `asset ${short(body.assetId)} is ${asset.resource}, not ${body.market}`)
  }
  const open = state.book().openOrders(body.from)
  if (open >= MAX_OPEN_ORDERS_PER_ACCOUNT)
    reject(
      'too-many-orders',
      `account ${body.from} has ${open} open orders, the most allowed; cancel one first`,
    )
  return { price, quantity }
}

/**
 * `order-buy` and `order-sell`: checks the order, matches it and rests what is left. The buyer's whole
 * limit was taken by the caller (orderSpend); returns the sender's account with what the order did not
 * use given back (price improvement and a cancelled rest).
 */
export function applyOrder(
  state: LedgerState,
  sender: Account,
  body: OrderBody,
  orderId: string,
  timeMs: number,
): Account {
  const { price, quantity } = checkOrder(state, body)
  const side = body.kind === 'order-buy' ? 'buy' : 'sell'
  const plan = planFills(state, { owner: body.from, market: body.market, side, price, quantity })
  if (plan.selfTrade != null)
    reject(
      'self-trade',
      `the order would trade with your own order ${short(plan.selfTrade)}; cancel it first`,
    )
  const seq = state.orderSeq
  state.orderSeq = seq + 1
  const taker: OrderRecord = {
    owner: body.from,
    market: body.market,
    side,
    price,
    quantity,
    remaining: plan.rest,
    seq,
    height: state.height,
    holder: body.kind === 'order-buy' ? body.holder : '',
    assetId: body.kind === 'order-sell' ? body.assetId : '',
  }
  let returned = 0n
  for (const fill of plan.fills) {
    recordFill(state, taker, orderId, fill, timeMs)
    // A buyer pays the resting ask, not its own higher limit.
    if (side === 'buy') returned += (price - fill.price) * fill.quantity
  }
  if (plan.rest > 0n && !plan.restCrosses) state.setOrder(orderId, taker)
  else if (side === 'buy') returned += price * plan.rest
  return returned === 0n ? sender : { ...sender, balance: sender.balance + returned }
}

function recordFill(
  state: LedgerState,
  taker: OrderRecord,
  takerId: string,
  fill: PlannedFill,
  timeMs: number,
): void {
  const { maker, makerId } = fill
  const remaining = maker.remaining - fill.quantity
  if (remaining === 0n) state.deleteOrder(makerId)
  else state.setOrder(makerId, { ...maker, remaining })
  const [buy, sell, buyId, sellId] =
    taker.side === 'buy' ? [taker, maker, takerId, makerId] : [maker, taker, makerId, takerId]
  const escrow: LeaseEscrow = {
    buyer: buy.owner,
    seller: sell.owner,
    market: taker.market,
    assetId: sell.assetId,
    holder: buy.holder,
    quantity: fill.quantity,
    price: fill.price,
    amount: fill.price * fill.quantity,
    buyOrder: buyId,
    sellOrder: sellId,
    takerSide: taker.side,
    filledAt: timeMs,
    height: state.height,
    deliverBy: timeMs + MARKETS[taker.market].deliveryMs,
    releasedToMs: timeMs,
    usedUnitSeconds: 0n,
    status: 'open',
  }
  state.leaseEscrows.set(fillIdOf(takerId, makerId), escrow)
}

/** `order-cancel`: the owner takes its resting order off the book; a buy order's held funds come back. */
export function applyOrderCancel(
  state: LedgerState,
  sender: Account,
  body: Extract<TxBody, { kind: 'order-cancel' }>,
): Account {
  const order = state.orders.get(body.orderId)
  if (order == null)
    return reject(
      'unknown-order',
      `order ${short(body.orderId)} is not on the book (filled, cancelled or never placed)`,
    )
  if (order.owner !== body.from)
    reject('not-authorized', `order ${short(body.orderId)} is ${order.owner}'s; only it cancels it`)
  state.deleteOrder(body.orderId)
  return order.side === 'buy'
    ? { ...sender, balance: sender.balance + order.price * order.remaining }
    : sender
}
