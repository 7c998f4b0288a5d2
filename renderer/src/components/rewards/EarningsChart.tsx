import { formatCaesar, RESOURCE_KINDS, type EpochEarnings, type ResourceKind } from '../../../../shared/api'

const WIDTH = 600
const HEIGHT = 140
const MAX_BARS = 30

export const RESOURCE_LABELS: Record<ResourceKind, string> = {
  cpu: 'CPU',
  gpu: 'GPU',
  memory: 'Memory',
  storage: 'Storage',
}

/** Earnings of the last epochs as stacked bars, one colour per resource. */
export function EarningsChart({ history }: { history: readonly EpochEarnings[] }) {
  const shown = history.slice(-MAX_BARS)
  const peak = Math.max(1, ...shown.map((e) => Number(e.total)))
  const slot = WIDTH / MAX_BARS
  const label = `Earnings over the last ${shown.length} epochs; highest ${formatCaesar(String(peak))} CAESAR`
  return (
    <figure className="chart" data-testid="earnings-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line className="chart-grid" x1="0" x2={WIDTH} y1={8} y2={8} />
        <line className="chart-axis" x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} />
        {shown.map((epoch, i) => {
          let top = HEIGHT
          return (
            <g key={epoch.epoch} data-testid="earnings-bar">
              <title>{`Epoch ${epoch.epoch}: ${formatCaesar(epoch.total)} CAESAR`}</title>
              {RESOURCE_KINDS.map((kind) => {
                const height = (Number(epoch.byResource[kind]) / peak) * (HEIGHT - 8)
                if (height <= 0) return null
                top -= height
                return (
                  <rect
                    key={kind}
                    className={`bar bar-${kind}`}
                    x={(MAX_BARS - shown.length + i) * slot + 2}
                    y={top}
                    width={slot - 4}
                    height={height}
                  />
                )
              })}
            </g>
          )
        })}
      </svg>
      <figcaption className="chart-caption">
        {RESOURCE_KINDS.map((kind) => (
          <span key={kind} className={`legend legend-${kind}`}>
            {RESOURCE_LABELS[kind]}
          </span>
        ))}
        <span className="muted">scale: {formatCaesar(String(peak))} CAESAR · per epoch</span>
      </figcaption>
    </figure>
  )
}
