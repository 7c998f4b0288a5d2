/**
 * The person's orders as the exchange view lists them: from this node's own order transactions (pending,
 * refused, committed) and the ledger's book (resting, partly filled, gone).
 */
import { txId, type LedgerState, type OwnTxRecord } from '../../consensus'
import type { MyOrder } from '../../../shared/exchange-schemas'

/**
 * This node's orders (placed here, from its own transactions) and any other resting order of its
 * accounts: pending, refused, resting (open or partly filled), or gone from the book (cancelled when a
 * committed cancel named it, filled otherwise).
 */
export function myOrders(
  state: LedgerState,
  records: readonly OwnTxRecord[],
  accounts: ReadonlySet<string>,
): MyOrder[] {
  const cancelled = new Set(
    records.flatMap((r) =>
      r.tx.body.kind === 'order-cancel' && r.status === 'committed' ? [r.tx.body.orderId] : [],
    ),
  )
  const orders: MyOrder[] = []
  const seen = new Set<string>()
  for (const r of records) {
    const body = r.tx.body
    if (body.kind !== 'order-buy' && body.kind !== 'order-sell') continue
    const orderId = txId(r.tx)
    seen.add(orderId)
    const resting = state.orders.get(orderId)
    const quantity = BigInt(body.quantity)
    const remaining =
      r.status === 'committed' ? (resting?.remaining ?? 0n) : r.status === 'pending' ? quantity : 0n
    orders.push({
      orderId,
      account: body.from,
      market: body.market,
      side: body.kind === 'order-buy' ? 'buy' : 'sell',
      price: body.price,
      quantity: body.quantity,
      remaining: remaining.toString(),
      state: orderState(r, resting != null, remaining < quantity, cancelled.has(orderId)),
      placedAt: r.submittedAt,
      problem: r.status === 'refused' ? r.reason : null,
    })
  }
  for (const [orderId, o] of state.orders) {
    if (seen.has(orderId) || !accounts.has(o.owner)) continue
    orders.push({
      orderId,
      account: o.owner,
      market: o.market,
      side: o.side,
      price: o.price.toString(),
      quantity: o.quantity.toString(),
      remaining: o.remaining.toString(),
      state: o.remaining < o.quantity ? 'partial' : 'open',
      placedAt: 0,
      problem: null,
    })
  }
  return orders
}

function orderState(
  r: OwnTxRecord,
  resting: boolean,
  partlyFilled: boolean,
  cancelled: boolean,
): MyOrder['state'] {
  if (r.status === 'pending') return 'pending'
  if (r.status === 'refused') return 'refused'
  if (resting) return partlyFilled ? 'partial' : 'open'
  return cancelled ? 'cancelled' : 'filled'
}
