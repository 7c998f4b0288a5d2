/** The book by price level (bids, asks) and its recent trades, as tables. */
import type { BookLevel, OrderBook, Trade } from '../../../../shared/api'
import { DataTable } from '../DataTable'
import { clockTime, tradeStatusLabel, unitsAsCaesar } from './exchange-format'

/** Figures only (the two sides sit side by side, narrow): the units are said once, above them. */
const figureColumns = [
  { label: 'Price', num: true },
  { label: 'Quantity', num: true },
]

export function BookLevels({ side, levels }: { side: 'bids' | 'asks'; levels: readonly BookLevel[] }) {
  return (
    <div className="book-side">
      <h3 className="subhead">{side === 'bids' ? 'Bids (buy)' : 'Asks (sell)'}</h3>
      <DataTable
        testId={`book-${side}`}
        className={`book-levels book-${side}`}
        columns={[...figureColumns, { label: 'Orders', num: true }]}
        empty={levels.length === 0 ? (side === 'bids' ? 'No bids' : 'No asks') : undefined}
      >
        {levels.map((level) => (
          <tr key={level.price}>
            <td className="num">{unitsAsCaesar(level.price)}</td>
            <td className="num">{level.quantity}</td>
            <td className="num">{level.orders}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  )
}

export function RecentTrades({ trades }: { trades: readonly Trade[] }) {
  return (
    <DataTable
      testId="book-trades"
      columns={[...figureColumns, { label: 'Time' }, { label: 'Status' }]}
      empty={trades.length === 0 ? 'No trades yet' : undefined}
    >
      {trades.map((trade) => (
        <tr key={trade.fillId}>
          <td className="num">{unitsAsCaesar(trade.price)}</td>
          <td className="num">{trade.quantity}</td>
          <td>{clockTime(trade.timeMs)}</td>
          <td>
            <span className={`badge trade-${trade.status}`}>{tradeStatusLabel(trade.status)}</span>
          </td>
        </tr>
      ))}
    </DataTable>
  )
}

/** Both sides of the book side by side, then the trades. */
export function BookTables({ book }: { book: OrderBook }) {
  return (
    <>
      <p className="hint">{`Prices in CAESAR per ${book.unit}, quantities in ${book.unit}s.`}</p>
      <div className="book-sides">
        <BookLevels side="bids" levels={book.bids} />
        <BookLevels side="asks" levels={book.asks} />
      </div>
      <h3 className="subhead">Recent trades</h3>
      <RecentTrades trades={book.trades} />
    </>
  )
}
