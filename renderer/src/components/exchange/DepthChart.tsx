/**
 * A market's depth as an inline SVG: cumulative bids stepping down towards the mid from the left,
 * cumulative asks stepping up from the mid to the right, price along the bottom. Described in words for
 * assistive technology.
 */
import { useId } from 'react'
import { formatCaesar, type OrderBook } from '../../../../shared/api'
import { EmptyState } from '../Card'
import { depthPaths, depthScales, type DepthSeries, depthSeries, type PlotBox } from './depth-series'
import { MARKET_LABELS, priceText, quantityText } from './exchange-format'

const WIDTH = 600
const HEIGHT = 220
const BOX: PlotBox = { left: 48, right: WIDTH - 12, top: 12, bottom: HEIGHT - 44 }

/** A price on the axis (a position between levels, so rounded to a whole unit) in CAESAR. */
const axisPrice = (price: number): string => formatCaesar(BigInt(Math.max(0, Math.round(price))).toString())

export function depthDescription(book: OrderBook, series: DepthSeries): string {
  const side = (name: string, levels: OrderBook['bids'], total: number, toward: string): string => {
    if (levels.length === 0) return `No ${name}.`
    const best = levels[0]!.price
    const worst = levels.at(-1)!.price
    return `${name[0]!.toUpperCase()}${name.slice(1)}: ${quantityText(String(total), book.unit)} from ${priceText(best, book.unit)} ${toward} ${priceText(worst, book.unit)}.`
  }
  return [
    side('bids', book.bids, series.bids.at(-1)?.depth ?? 0, 'down to'),
    side('asks', book.asks, series.asks.at(-1)?.depth ?? 0, 'up to'),
  ].join(' ')
}

export function DepthChart({ book }: { book: OrderBook }) {
  const titleId = useId()
  const descId = useId()
  const series = depthSeries(book)
  if (series == null)
    return (
      <div className="depth-chart depth-empty" data-testid="depth-chart">
        <EmptyState>No orders yet</EmptyState>
      </div>
    )
  const { x, y } = depthScales(series, BOX)
  const paths = depthPaths(series, BOX)
  const ticks = [series.low, series.mid, series.high]
  return (
    <figure className="chart depth-chart" data-testid="depth-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{`Depth of the ${MARKET_LABELS[book.market]} market`}</title>
        <desc id={descId}>{depthDescription(book, series)}</desc>
        <line className="chart-grid" x1={BOX.left} x2={BOX.right} y1={BOX.top} y2={BOX.top} />
        <line className="chart-axis" x1={BOX.left} x2={BOX.right} y1={BOX.bottom} y2={BOX.bottom} />
        <line className="chart-axis" x1={BOX.left} x2={BOX.left} y1={BOX.top} y2={BOX.bottom} />
        {paths.bids !== '' && <path className="depth-area depth-bids" d={paths.bids} />}
        {paths.asks !== '' && <path className="depth-area depth-asks" d={paths.asks} />}
        <line className="chart-grid" x1={x(series.mid)} x2={x(series.mid)} y1={BOX.top} y2={BOX.bottom} />
        {ticks.map((price, i) => (
          <text
            key={i}
            className="depth-label"
            x={x(price)}
            y={BOX.bottom + 16}
            textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}
          >
            {axisPrice(price)}
          </text>
        ))}
        <text className="depth-label" x={BOX.left - 6} y={BOX.bottom} textAnchor="end">
          0
        </text>
        <text className="depth-label" x={BOX.left - 6} y={y(series.maxDepth) + 4} textAnchor="end">
          {series.maxDepth}
        </text>
        <text className="depth-label" x={(BOX.left + BOX.right) / 2} y={HEIGHT - 6} textAnchor="middle">
          {`Price (CAESAR per ${book.unit})`}
        </text>
      </svg>
      <figcaption className="chart-caption">
        <span className="legend legend-bids">bids</span>
        <span className="legend legend-asks">asks</span>
        <span className="muted">{`depth in ${book.unit}s, cumulative from the mid`}</span>
      </figcaption>
    </figure>
  )
}
