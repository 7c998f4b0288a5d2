import type { TransportStats } from '../../../shared/api'
import { formatBitrate } from '../lib/format'

const WIDTH = 600
const HEIGHT = 140
const SECONDS = 60

/** One minute of sent and received throughput, as two lines on a shared scale. */
export function ThroughputChart({ history }: { history: TransportStats['history'] }) {
  const peak = Math.max(1_000_000, ...history.flatMap((s) => [s.sentBitsPerSecond, s.receivedBitsPerSecond]))
  const newest = history.at(-1)?.at ?? 0
  const x = (at: number): number => WIDTH - ((newest - at) / 1000 / SECONDS) * WIDTH
  const y = (bps: number): number => HEIGHT - (bps / peak) * (HEIGHT - 8)
  const line = (pick: (s: TransportStats['history'][number]) => number): string =>
    history.map((s) => `${x(s.at).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ')
  const label = `Throughput over the last minute; peak ${formatBitrate(peak)}`
  return (
    <figure className="chart" data-testid="transport-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line className="chart-grid" x1="0" x2={WIDTH} y1={y(peak)} y2={y(peak)} />
        <line className="chart-grid" x1="0" x2={WIDTH} y1={y(peak / 2)} y2={y(peak / 2)} />
        <line className="chart-axis" x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} />
        {history.length > 1 && (
          <polyline className="chart-line chart-received" points={line((s) => s.receivedBitsPerSecond)} />
        )}
        {history.length > 1 && (
          <polyline className="chart-line chart-sent" points={line((s) => s.sentBitsPerSecond)} />
        )}
      </svg>
      <figcaption className="chart-caption">
        <span className="legend legend-received">received</span>
        <span className="legend legend-sent">sent</span>
        <span className="muted">scale: {formatBitrate(peak)} · last 60 s</span>
      </figcaption>
    </figure>
  )
}
