/**
 * What STOQ measures: handshakes (counts, failures by reason, latency), traffic (bytes per connection
 * and in total, sampled once a second into rates and a one-minute history for the dashboard's chart), and
 * each connection's link (bandwidth, round trip, tier: ./link/estimator.ts).
 */
import { LinkEstimator, type LinkEstimate } from './link/estimator'
import type { LinkTuning } from './link/tiers'

export interface ConnectionTraffic {
  readonly id: number
  readonly remotePeer: string
  bytesSent: number
  bytesReceived: number
  onFrameSent(bytes: number): void
  onFrameReceived(bytes: number): void
  /** Stops tracking; its bytes stay in the totals. */
  close(): void
  /** What the connection's own traffic says about its link. */
  readonly link: LinkEstimator
  /** The tuning applied to the connection for its link (./link/tuner.ts), once measured. */
  tuning: LinkTuning | null
}

export interface TrafficSample {
  at: number
  sentBitsPerSecond: number
  receivedBitsPerSecond: number
}

export interface ConnectionTrafficSnapshot {
  remotePeer: string
  bytesSent: number
  bytesReceived: number
  sentBitsPerSecond: number
  receivedBitsPerSecond: number
  link: LinkEstimate
  /** The receive window its streams are held to, from the link's tuning; null until tuned. */
  maxStreamWindowBytes: number | null
}

export interface StoqMetricsSnapshot {
  handshakes: { succeeded: number; failed: number; failuresByReason: Record<string, number> }
  /** Classical Noise refused from peers known to speak STOQ (./downgrade-guard.ts). */
  downgradesRefused: number
  /** Duration of the last 256 successful handshakes, milliseconds. */
  handshakeMs: { p50: number | null; p99: number | null }
  bytesSent: number
  bytesReceived: number
  /** Rates over the last full second. */
  sentBitsPerSecond: number
  receivedBitsPerSecond: number
  /** One sample a second, oldest first, at most {@link HISTORY_SECONDS}. */
  history: TrafficSample[]
  connections: ConnectionTrafficSnapshot[]
}

export interface StoqMetrics {
  handshakeSucceeded(role: 'initiator' | 'responder', ms: number): void
  handshakeFailed(role: 'initiator' | 'responder', err: Error): void
  /** Classical Noise was refused from `peer`, which is known to speak STOQ. */
  downgradeRefused(peer: string): void
  trackConnection(remotePeer: string): ConnectionTraffic
  /** Takes a sample now (the node calls this once a second; tests call it directly). */
  sample(now?: number): void
  snapshot(): StoqMetricsSnapshot
}

export const HISTORY_SECONDS = 60
const HANDSHAKE_WINDOW = 256

const quantile = (sorted: number[], q: number): number | null =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)

export function failureReason(err: Error): string {
  if (['HandshakeError', 'HandshakeCryptoError', 'UnexpectedRemotePeerError'].includes(err.name))
    return 'refused'
  if (err.name === 'FalconKeyMismatchError') return 'unbound-falcon-key'
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'timeout'
  if (err.name === 'InvalidMessageLengthError' || err.name === 'InvalidDataLengthError') return 'oversized'
  if (err.name === 'UnexpectedEOFError' || /end of|closed/i.test(err.message)) return 'closed'
  return 'error'
}

export function createStoqMetrics(): StoqMetrics {
  let succeeded = 0
  let failed = 0
  let downgradesRefused = 0
  const failuresByReason: Record<string, number> = {}
  const recentHandshakes: number[] = []
  let closedSent = 0
  let closedReceived = 0
  let nextId = 1
  const open = new Map<
    number,
    ConnectionTraffic & { lastSent: number; lastReceived: number; sentRate: number; receivedRate: number }
  >()
  const history: TrafficSample[] = []
  let last: { at: number; sent: number; received: number } | null = null

  const totals = () => {
    let sent = closedSent
    let received = closedReceived
    for (const c of open.values()) {
      sent += c.bytesSent
      received += c.bytesReceived
    }
    return { sent, received }
  }

  return {
    handshakeSucceeded(_role, ms) {
      succeeded++
      recentHandshakes.push(ms)
      if (recentHandshakes.length > HANDSHAKE_WINDOW) recentHandshakes.shift()
    },
    handshakeFailed(_role, err) {
      failed++
      const reason = failureReason(err)
      failuresByReason[reason] = (failuresByReason[reason] ?? 0) + 1
    },
    downgradeRefused() {
      downgradesRefused++
    },
    trackConnection(remotePeer) {
      const id = nextId++
      const traffic = {
        id,
        remotePeer,
        bytesSent: 0,
        bytesReceived: 0,
        lastSent: 0,
        lastReceived: 0,
        sentRate: 0,
        receivedRate: 0,
        link: new LinkEstimator(),
        tuning: null as LinkTuning | null,
        onFrameSent(bytes: number) {
          traffic.bytesSent += bytes
          traffic.link.onBytes('send', bytes, performance.now())
        },
        onFrameReceived(bytes: number) {
          traffic.bytesReceived += bytes
          traffic.link.onBytes('receive', bytes, performance.now())
        },
        close() {
          if (!open.delete(id)) return
          closedSent += traffic.bytesSent
          closedReceived += traffic.bytesReceived
        },
      }
      open.set(id, traffic)
      return traffic
    },
    sample(now = Date.now()) {
      const { sent, received } = totals()
      if (last != null && now > last.at) {
        const seconds = (now - last.at) / 1000
        history.push({
          at: now,
          sentBitsPerSecond: ((sent - last.sent) * 8) / seconds,
          receivedBitsPerSecond: ((received - last.received) * 8) / seconds,
        })
        if (history.length > HISTORY_SECONDS) history.shift()
        for (const c of open.values()) {
          c.sentRate = ((c.bytesSent - c.lastSent) * 8) / seconds
          c.receivedRate = ((c.bytesReceived - c.lastReceived) * 8) / seconds
        }
      }
      for (const c of open.values()) {
        c.lastSent = c.bytesSent
        c.lastReceived = c.bytesReceived
      }
      last = { at: now, sent, received }
    },
    snapshot() {
      const sorted = [...recentHandshakes].sort((a, b) => a - b)
      const { sent, received } = totals()
      const latest = history.at(-1)
      const now = performance.now()
      return {
        handshakes: { succeeded, failed, failuresByReason: { ...failuresByReason } },
        downgradesRefused,
        handshakeMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) },
        bytesSent: sent,
        bytesReceived: received,
        sentBitsPerSecond: latest?.sentBitsPerSecond ?? 0,
        receivedBitsPerSecond: latest?.receivedBitsPerSecond ?? 0,
        history: [...history],
        connections: [...open.values()].map((c) => ({
          remotePeer: c.remotePeer,
          bytesSent: c.bytesSent,
          bytesReceived: c.bytesReceived,
          sentBitsPerSecond: c.sentRate,
          receivedBitsPerSecond: c.receivedRate,
          link: c.link.estimate(now),
          maxStreamWindowBytes: c.tuning?.maxStreamWindowBytes ?? null,
        })),
      }
    },
  }
}
