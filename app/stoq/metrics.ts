/**
 * Handshake and traffic counters of the STOQ encrypter, read by the node's metrics and API.
 */
export interface StoqMetricsSnapshot {
  handshakes: { succeeded: number; failed: number; failuresByReason: Record<string, number> }
  /** Handshake duration, milliseconds, of the last 256 successful handshakes: p50 and p99. */
  handshakeMs: { p50: number | null; p99: number | null }
  bytesSent: number
  bytesReceived: number
}

export interface StoqMetrics {
  handshakeSucceeded(role: 'initiator' | 'responder', ms: number): void
  handshakeFailed(role: 'initiator' | 'responder', err: Error): void
  onFrameSent(bytes: number): void
  onFrameReceived(bytes: number): void
  snapshot(): StoqMetricsSnapshot
}

const quantile = (sorted: number[], q: number): number | null =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)

export function createStoqMetrics(): StoqMetrics {
  let succeeded = 0
  let failed = 0
  let bytesSent = 0
  let bytesReceived = 0
  const failuresByReason: Record<string, number> = {}
  const recent: number[] = []
  return {
    handshakeSucceeded(_role, ms) {
      succeeded++
      recent.push(ms)
      if (recent.length > 256) recent.shift()
    },
    handshakeFailed(_role, err) {
      failed++
      const reason =
        err.name === 'HandshakeError'
          ? 'refused'
          : err.name === 'AbortError' || err.name === 'TimeoutError'
            ? 'timeout'
            : 'error'
      failuresByReason[reason] = (failuresByReason[reason] ?? 0) + 1
    },
    onFrameSent(bytes) {
      bytesSent += bytes
    },
    onFrameReceived(bytes) {
      bytesReceived += bytes
    },
    snapshot() {
      const sorted = [...recent].sort((a, b) => a - b)
      return {
        handshakes: { succeeded, failed, failuresByReason: { ...failuresByReason } },
        handshakeMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) },
        bytesSent,
        bytesReceived,
      }
    },
  }
}
