/**
 * A book's depth as a chart draws it: the quantity resting at each price or better, summed from the best
 * level outwards (bids to the left of the mid, asks to the right), and the chart's shapes in SVG
 * coordinates. Pure functions; the tests pin their output.
 */
import type { BookLevel } from '../../../../shared/api'

/** The quantity resting at `price` or better on one side. */
export interface DepthStep {
  price: number
  depth: number
}

export interface DepthSeries {
  /** Best (highest) bid first; depth grows to the left. */
  bids: DepthStep[]
  /** Best (lowest) ask first; depth grows to the right. */
  asks: DepthStep[]
  /** The price axis: every level, with a margin so the outermost steps show. */
  low: number
  high: number
  /** The deepest either side gets: the top of the depth axis. */
  maxDepth: number
  /** Halfway between the best bid and the best ask, or the one best price there is. */
  mid: number
}

/** The part of the chart the shapes fill: x from `left` to `right`, depth 0 at `bottom` up to `top`. */
export interface PlotBox {
  left: number
  right: number
  top: number
  bottom: number
}

/** Of the price range, this much is added on each side. */
const MARGIN_SHARE = 0.05

function cumulative(levels: readonly BookLevel[], bestFirst: (a: number, b: number) => number): DepthStep[] {
  const sorted = levels
    .map((level) => ({ price: Number(level.price), quantity: Number(level.quantity) }))
    .sort((a, b) => bestFirst(a.price, b.price))
  let depth = 0
  return sorted.map(({ price, quantity }) => ({ price, depth: (depth += quantity) }))
}

/** The book's depth, or null when neither side has an order. */
export function depthSeries(book: {
  bids: readonly BookLevel[]
  asks: readonly BookLevel[]
}): DepthSeries | null {
  const bids = cumulative(book.bids, (a, b) => b - a)
  const asks = cumulative(book.asks, (a, b) => a - b)
  if (bids.length === 0 && asks.length === 0) return null
  const prices = [...bids, ...asks].map((step) => step.price)
  const lowest = Math.min(...prices)
  const highest = Math.max(...prices)
  // One price only: a margin of a tenth of it (at least one unit), so the step is not at the edge.
  const margin = highest > lowest ? (highest - lowest) * MARGIN_SHARE : Math.max(1, highest * 0.1)
  const bestBid = bids[0]?.price
  const bestAsk = asks[0]?.price
  const mid = bestBid != null && bestAsk != null ? (bestBid + bestAsk) / 2 : (bestBid ?? bestAsk ?? 0)
  return {
    bids,
    asks,
    low: Math.max(0, lowest - margin),
    high: highest + margin,
    maxDepth: Math.max(bids.at(-1)?.depth ?? 0, asks.at(-1)?.depth ?? 0),
    mid,
  }
}

/** Where a price and a depth fall in the box. */
export function depthScales(series: DepthSeries, box: PlotBox) {
  const span = series.high - series.low || 1
  return {
    x: (price: number): number => box.left + ((price - series.low) / span) * (box.right - box.left),
    y: (depth: number): number => box.bottom - (depth / (series.maxDepth || 1)) * (box.bottom - box.top),
  }
}

const n = (value: number): string => String(Math.round(value * 10) / 10)

/**
 * One side's area as an SVG path: from the baseline at the best price, up to its depth, across to the next
 * level, up again…, out to the edge of the axis, and back down to the baseline.
 */
function sidePath(steps: readonly DepthStep[], edge: number, series: DepthSeries, box: PlotBox): string {
  if (steps.length === 0) return ''
  const { x, y } = depthScales(series, box)
  const parts = [`M${n(x(steps[0]!.price))} ${n(box.bottom)}`]
  steps.forEach((step, i) => {
    parts.push(`V${n(y(step.depth))}`)
    parts.push(`H${n(x(steps[i + 1]?.price ?? edge))}`)
  })
  parts.push(`V${n(box.bottom)}Z`)
  return parts.join('')
}

export function depthPaths(series: DepthSeries, box: PlotBox): { bids: string; asks: string } {
  return {
    bids: sidePath(series.bids, series.low, series, box),
    asks: sidePath(series.asks, series.high, series, box),
  }
}
