/**
 * Tunes each STOQ connection to its measured link, once a second: the round trip from yamux's own pings
 * goes into the connection's estimator, and the estimate sets the receive window of every yamux stream on
 * the connection (./tiers.ts says why the window is the knob that matters).
 *
 * The window lives inside @chainsafe/libp2p-yamux 8.0.1 (`YamuxMuxer.streamOptions`, `YamuxStream
 * .maxStreamWindowSize` and `.recvWindow`, `muxer.rtt`), which has no public setter. {@link yamuxOf}
 * checks that shape on every connection and throws if it is gone, so an upgrade that changes it fails in
 * this module's tests rather than silently leaving links untuned.
 */
import type { Connection } from '@libp2p/interface'
import type { ConnectionTraffic } from '../metrics'
import { LinkEstimator } from './estimator'
import { tuneForLink, type LinkTuning } from './tiers'

export const YAMUX_PROTOCOL = '/yamux/1.0.0'
export const TUNE_INTERVAL_MS = 1_000

interface YamuxStreamWindow {
  maxStreamWindowSize: number
  recvWindow: number
}

/** The parts of a yamux muxer the tuner reads and sets. */
export interface YamuxInternals {
  /** Last ping round trip in milliseconds, -1 before the first. */
  readonly rtt: number
  streamOptions: Record<string, unknown> | undefined
  readonly streams: YamuxStreamWindow[]
  /** The connection under the muxer: for STOQ, the secure stream with the connection's counters. */
  readonly maConn: { counters?: unknown }
}

export class YamuxShapeError extends Error {
  constructor(what: string) {
    super(`@chainsafe/libp2p-yamux internals changed (${what}): review app/stoq/link/tuner.ts`)
    this.name = 'YamuxShapeError'
  }
}

/** The yamux muxer of `connection`, or null when it has none (not yet upgraded, or another muxer). */
export function yamuxOf(connection: Connection): YamuxInternals | null {
  const muxer = (connection as unknown as { muxer?: Partial<YamuxInternals> & { protocol?: string } }).muxer
  if (muxer?.protocol !== YAMUX_PROTOCOL) return null
  if (typeof muxer.rtt !== 'number') throw new YamuxShapeError('muxer.rtt')
  if (!Array.isArray(muxer.streams)) throw new YamuxShapeError('muxer.streams')
  if (muxer.maConn == null) throw new YamuxShapeError('muxer.maConn')
  if (!('streamOptions' in muxer)) throw new YamuxShapeError('muxer.streamOptions')
  for (const stream of muxer.streams) {
    if (typeof stream.maxStreamWindowSize !== 'number' || typeof stream.recvWindow !== 'number') {
      throw new YamuxShapeError('stream.maxStreamWindowSize / recvWindow')
    }
  }
  return muxer as YamuxInternals
}

/** The STOQ traffic record of a connection's secure stream, or null for other encrypters. */
function trafficOf(yamux: YamuxInternals): ConnectionTraffic | null {
  const counters = yamux.maConn.counters as Partial<ConnectionTraffic> | undefined
  return counters?.link instanceof LinkEstimator ? (counters as ConnectionTraffic) : null
}

/** Holds every stream of the muxer, and those it opens later, to `window` bytes. */
export function applyStreamWindow(yamux: YamuxInternals, window: number): void {
  yamux.streamOptions = { ...yamux.streamOptions, maxStreamWindowSize: window }
  for (const stream of yamux.streams) {
    stream.maxStreamWindowSize = window
    // A larger window already granted is used up, then the next updates grant only up to the new one.
    if (stream.recvWindow > window) stream.recvWindow = window
  }
}

const lastRtt = new WeakMap<ConnectionTraffic, number>()

/** Measures and tunes one connection; returns the tuning now in force, or null if it has none yet. */
export function tuneConnection(connection: Connection, now = performance.now()): LinkTuning | null {
  const yamux = yamuxOf(connection)
  if (yamux == null) return null
  const traffic = trafficOf(yamux)
  if (traffic == null) return null
  // yamux pings every 30 s and keeps the last result: take each new one once.
  const rtt = yamux.rtt >= 0 ? yamux.rtt : connection.rtt
  if (rtt != null && rtt >= 0 && rtt !== lastRtt.get(traffic)) {
    lastRtt.set(traffic, rtt)
    traffic.link.onRtt(rtt)
  }
  const estimate = traffic.link.estimate(now)
  if (estimate.bitsPerSecond == null || estimate.bitsPerSecond <= 0) return traffic.tuning
  const tuning = tuneForLink(estimate.bitsPerSecond, estimate.minRttMs ?? 0)
  if (tuning.maxStreamWindowBytes !== traffic.tuning?.maxStreamWindowBytes) {
    applyStreamWindow(yamux, tuning.maxStreamWindowBytes)
  }
  traffic.tuning = tuning
  return tuning
}

export interface LinkTuner {
  stop(): void
}

/**
 * Tunes every connection of `libp2p` once a {@link TUNE_INTERVAL_MS}. If yamux's internals have changed,
 * it says so once through `onError` and stops: connections keep yamux's defaults.
 */
export function startLinkTuner(
  libp2p: { getConnections(): Connection[] },
  onError: (err: Error) => void,
  intervalMs = TUNE_INTERVAL_MS,
): LinkTuner {
  const timer = setInterval(() => {
    try {
      for (const connection of libp2p.getConnections()) tuneConnection(connection)
    } catch (err) {
      clearInterval(timer)
      onError(err as Error)
    }
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
