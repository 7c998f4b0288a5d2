import { useHyperMesh } from '../store/context'
import { selectTransport } from '../store/selectors'
import { formatBitrate, formatBytes } from '../lib/format'
import { Card, EmptyState } from './Card'
import { LinksTable } from './LinksTable'
import { ThroughputChart } from './ThroughputChart'

const ms = (value: number | null): string => (value == null ? '—' : `${Math.round(value)} ms`)

/** STOQ's live measurements: throughput now and over a minute, totals, handshake outcomes, and each link. */
export function TransportCard() {
  const stats = useHyperMesh(selectTransport)
  if (stats == null) {
    return (
      <Card title="Transport" className="span-12" testId="transport-card">
        <EmptyState>Waiting for the first measurement…</EmptyState>
      </Card>
    )
  }
  const failures = Object.entries(stats.handshakes.failuresByReason)
  return (
    <Card title="Transport" className="span-12" testId="transport-card">
      <div className="rates">
        <div>
          <span className="muted">Receiving</span>
          <strong data-testid="transport-rate-received">{formatBitrate(stats.receivedBitsPerSecond)}</strong>
        </div>
        <div>
          <span className="muted">Sending</span>
          <strong data-testid="transport-rate-sent">{formatBitrate(stats.sentBitsPerSecond)}</strong>
        </div>
        <div>
          <span className="muted">Total</span>
          <strong data-testid="transport-totals">
            ↓ {formatBytes(stats.bytesReceived)} · ↑ {formatBytes(stats.bytesSent)}
          </strong>
        </div>
      </div>
      <ThroughputChart history={stats.history} />
      <dl className="facts">
        <dt>Handshakes</dt>
        <dd data-testid="transport-handshakes">
          {stats.handshakes.succeeded} succeeded · {stats.handshakes.failed} failed
          {failures.length > 0 && (
            <span className="muted"> ({failures.map(([reason, n]) => `${n} ${reason}`).join(', ')})</span>
          )}
        </dd>
        <dt>Downgrades refused</dt>
        <dd data-testid="transport-downgrades" title="Classical Noise refused from peers known to speak STOQ">
          {stats.downgradesRefused}
        </dd>
        <dt>Handshake time</dt>
        <dd>
          p50 {ms(stats.handshakeMs.p50)} · p99 {ms(stats.handshakeMs.p99)}
        </dd>
      </dl>
      <h3 className="subhead">Links</h3>
      <LinksTable connections={stats.connections} />
    </Card>
  )
}
