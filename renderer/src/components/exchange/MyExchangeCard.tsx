/**
 * This node's orders (with Cancel on the ones still resting) and the trades its accounts made, each with
 * what its escrow still holds (and Take delivery on the open ones bought for this node).
 */
import { useState } from 'react'
import type { MarketSummary, MyExchange, MyOrder, Trade } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectCancelling } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { DataTable } from '../DataTable'
import { ErrorNotice } from '../Notice'
import { mayTakeDelivery } from './delivery'
import { DeliveryPanel } from './DeliveryPanel'
import {
  caesar,
  canCancel,
  clockTime,
  MARKET_LABELS,
  orderStateLabel,
  priceText,
  quantityText,
  tradeRole,
  tradeStatusLabel,
  withAdvice,
} from './exchange-format'

/** A market's unit as the node names it (the summaries carry it), or a plain "unit" until they are read. */
const unitIn = (markets: readonly MarketSummary[] | null, market: MyOrder['market']): string =>
  markets?.find((m) => m.market === market)?.unit ?? 'unit'

export function MyExchangeCard({
  mine,
  markets,
  accountNames,
  peerId,
}: {
  mine: MyExchange | null
  markets: readonly MarketSummary[] | null
  /** This node's accounts by address: "node account", "wallet account 1"… */
  accountNames: ReadonlyMap<string, string>
  /** This node's peer id (null until its status is read): it takes delivery of the trades it holds. */
  peerId: string | null
}) {
  return (
    <Card title="My orders and trades" className="span-12" testId="my-exchange">
      {mine == null ? (
        <EmptyState>Reading your orders…</EmptyState>
      ) : (
        <>
          <MyOrders orders={mine.orders} markets={markets} accountNames={accountNames} />
          <h3 className="subhead">My trades</h3>
          <MyTrades trades={mine.trades} markets={markets} accountNames={accountNames} peerId={peerId} />
        </>
      )}
    </Card>
  )
}

export function MyOrders({
  orders,
  markets,
  accountNames,
}: {
  orders: readonly MyOrder[]
  markets: readonly MarketSummary[] | null
  accountNames: ReadonlyMap<string, string>
}) {
  const actions = useHyperMesh(selectActions)
  const cancelling = useHyperMesh(selectCancelling)
  const [error, setError] = useState<string | null>(null)
  const cancel = async (orderId: string): Promise<void> => {
    setError(null)
    const outcome = await actions.cancelOrder(orderId)
    if (!outcome.ok) setError(outcome.message)
  }
  return (
    <>
      <DataTable
        testId="my-orders"
        columns={[
          { label: 'Market' },
          { label: 'Side' },
          { label: 'Price', num: true },
          { label: 'Filled', num: true },
          { label: 'State' },
          { label: 'Account' },
          { label: 'Placed' },
          {},
        ]}
        empty={orders.length === 0 ? 'No orders yet' : undefined}
      >
        {orders.map((order) => (
          <OrderRow
            key={order.orderId}
            order={order}
            unit={unitIn(markets, order.market)}
            account={accountNames.get(order.account) ?? shortId(order.account)}
            cancelling={cancelling}
            onCancel={() => void cancel(order.orderId)}
          />
        ))}
      </DataTable>
      {error != null && (
        <ErrorNotice headline="The order was not cancelled" testId="cancel-error">
          {withAdvice(error)}
        </ErrorNotice>
      )}
    </>
  )
}

function OrderRow({
  order,
  unit,
  account,
  cancelling,
  onCancel,
}: {
  order: MyOrder
  unit: string
  account: string
  cancelling: string | null
  onCancel(): void
}) {
  const filled = (BigInt(order.quantity) - BigInt(order.remaining)).toString()
  return (
    <tr data-testid="my-order">
      <td>{MARKET_LABELS[order.market]}</td>
      <td>{order.side}</td>
      <td className="num">{priceText(order.price, unit)}</td>
      <td className="num">{`${filled} of ${quantityText(order.quantity, unit)}`}</td>
      <td>
        <span className={`badge order-${order.state}`}>{orderStateLabel(order)}</span>
      </td>
      <td>{account}</td>
      <td>{clockTime(order.placedAt)}</td>
      <td>
        {canCancel(order) && (
          <button
            type="button"
            className="button button-compact button-danger"
            disabled={cancelling != null}
            aria-busy={cancelling === order.orderId}
            aria-label={`Cancel order ${shortId(order.orderId)}`}
            onClick={onCancel}
          >
            {cancelling === order.orderId ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </td>
    </tr>
  )
}

export function MyTrades({
  trades,
  markets,
  accountNames,
  peerId,
}: {
  trades: readonly Trade[]
  markets: readonly MarketSummary[] | null
  accountNames: ReadonlyMap<string, string>
  peerId: string | null
}) {
  const own = new Set(accountNames.keys())
  // The fill whose delivery form is open; it closes itself once the trade is no longer listed.
  const [chosen, setChosen] = useState<string | null>(null)
  const open = trades.find((t) => t.fillId === chosen && mayTakeDelivery(t, peerId))
  return (
    <>
      <DataTable
        testId="my-trades"
        columns={[
          { label: 'Market' },
          { label: 'Role' },
          { label: 'Price', num: true },
          { label: 'Quantity', num: true },
          { label: 'Held', num: true },
          { label: 'Status' },
          { label: 'Time' },
          {},
        ]}
        empty={trades.length === 0 ? 'No trades yet' : undefined}
      >
        {trades.map((trade) => (
          <TradeRow
            key={trade.fillId}
            trade={trade}
            unit={unitIn(markets, trade.market)}
            role={tradeRole(trade, own)}
            deliverable={mayTakeDelivery(trade, peerId)}
            chosen={chosen === trade.fillId}
            onChoose={() => setChosen(chosen === trade.fillId ? null : trade.fillId)}
          />
        ))}
      </DataTable>
      {open != null && (
        <DeliveryPanel
          key={open.fillId}
          trade={open}
          unit={unitIn(markets, open.market)}
          onClose={() => setChosen(null)}
        />
      )}
    </>
  )
}

function TradeRow({
  trade,
  unit,
  role,
  deliverable,
  chosen,
  onChoose,
}: {
  trade: Trade
  unit: string
  role: string
  /** Whether this node holds the trade's open escrow, and so may ask the seller for its lease. */
  deliverable: boolean
  chosen: boolean
  onChoose(): void
}) {
  return (
    <tr data-testid="my-trade">
      <td>{MARKET_LABELS[trade.market]}</td>
      <td>{role}</td>
      <td className="num">{priceText(trade.price, unit)}</td>
      <td className="num">{quantityText(trade.quantity, unit)}</td>
      <td className="num">{caesar(trade.held)}</td>
      <td>
        <span className={`badge trade-${trade.status}`}>{tradeStatusLabel(trade.status)}</span>
      </td>
      <td>{clockTime(trade.timeMs)}</td>
      <td>
        {deliverable && (
          <button
            type="button"
            className="button button-compact"
            aria-expanded={chosen}
            aria-label={`Take delivery of fill ${shortId(trade.fillId)}`}
            onClick={onChoose}
            data-testid="take-delivery"
          >
            Take delivery
          </button>
        )}
      </td>
    </tr>
  )
}
