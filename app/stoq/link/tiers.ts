/**
 * Link tiers: the standard Ethernet rate class a connection's measured bandwidth fits under, and the
 * tuning that follows from the measurement.
 */

import { LinkTier } from '../../../shared/schemas'

export { LinkTier }
export const LINK_TIERS = LinkTier.options

/** The nominal rate of each tier but the last; a measurement up to {@link TIER_SLACK} × nominal fits it. */
const NOMINAL_BITS_PER_SECOND: Record<Exclude<LinkTier, 'faster'>, number> = {
  '100M': 100e6,
  '1G': 1e9,
  '2.5G': 2.5e9,
}
/** Room above the nominal rate for measurement noise; a 100 Mbit link never measures 120 Mbit/s. */
export const TIER_SLACK = 1.2

/** The smallest tier whose nominal rate covers `bitsPerSecond`. A 50 Mbit/s link is in the 100M tier. */
export function classifyLinkTier(bitsPerSecond: number): LinkTier {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond < 0) {
    throw new RangeError(`a link rate must be a finite number of bits per second ≥ 0, not ${bitsPerSecond}`)
  }
  for (const [tier, nominal] of Object.entries(NOMINAL_BITS_PER_SECOND)) {
    if (bitsPerSecond <= nominal * TIER_SLACK) return tier as LinkTier
  }
  return 'faster'
}

/** yamux's own bounds on a stream's receive window: its initial window, and its default maximum. */
export const MIN_STREAM_WINDOW = 256 * 1024
export const MAX_STREAM_WINDOW = 16 * 1024 * 1024

/**
 * How long the data queued on one stream may take to drain at the link's rate. The receive window is
 * the queue: a sender keeps up to a window in flight, and every other stream on the connection (pings,
 * votes, small requests) waits behind it. The window must also cover the round trip under load (the
 * link's own queue included), or the stream cannot keep the link full: on the shaped links of
 * bench/tiers.ts loaded round trips reach 25 ms, and a 25 ms target cost throughput at 2.5 Gbit/s, so the
 * target is 40 ms. On a 100 Mbit link that is a 512 KiB window, where yamux grows to as much as 16 MiB
 * (1.4 s of queue). The window also covers twice the smallest round trip, so long links fill their pipe.
 */
export const TARGET_QUEUE_MS = 40

export interface LinkTuning {
  /** The most a stream of this connection may let its peer send before the next window update. */
  maxStreamWindowBytes: number
  /**
   * Streams a bulk transfer should spread over: more than one only where a single stream's largest window
   * cannot cover the bandwidth-delay product.
   */
  bulkStreams: number
}

const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)))

/**
 * The tuning for a link measured at `bitsPerSecond` with a smallest round trip of `minRttMs`. Windows are
 * powers of two, so that small changes in the measurement do not retune the connection.
 */
export function tuneForLink(bitsPerSecond: number, minRttMs: number): LinkTuning {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond <= 0 || !Number.isFinite(minRttMs) || minRttMs < 0) {
    throw new RangeError('a link tuning needs a measured rate > 0 and a round trip ≥ 0')
  }
  const bytesPerMs = bitsPerSecond / 8 / 1000
  const wanted = nextPowerOfTwo(bytesPerMs * Math.max(TARGET_QUEUE_MS, 2 * minRttMs))
  return {
    maxStreamWindowBytes: Math.min(MAX_STREAM_WINDOW, Math.max(MIN_STREAM_WINDOW, wanted)),
    bulkStreams: Math.max(1, Math.ceil(wanted / MAX_STREAM_WINDOW)),
  }
}
