/**
 * Measures one connection's link from its own traffic: delivery-rate samples taken while data flows
 * without pause (so an idle or lightly used connection does not read as a slow link), and round trips.
 * Fed by the secure stream's frame counters and by the muxer's pings; costs a few numbers per connection.
 */
import { classifyLinkTier, type LinkTier } from './tiers'

/** Length of one delivery-rate sample. */
export const SAMPLE_MS = 250
/** A pause longer than this between frames means the sender had nothing to send: the sample is dropped. */
export const MAX_GAP_MS = 50
/** Less than this in a sample says nothing about the link. */
export const MIN_SAMPLE_BYTES = 64 * 1024
/**
 * The sending side's first second of a busy period is skipped: writes then fill socket and muxer
 * buffers faster than the link drains them, which reads as more bandwidth than there is.
 */
export const SEND_WARMUP_MS = 1_000
/** Samples older than this no longer count toward the estimate (the link may have changed). */
export const ESTIMATE_WINDOW_MS = 30_000
const MAX_SAMPLES = Math.ceil(ESTIMATE_WINDOW_MS / SAMPLE_MS)
const RTT_SAMPLES = 16

export type Direction = 'send' | 'receive'

interface RateSample {
  at: number
  bitsPerSecond: number
}

/** Delivery-rate samples of one direction. */
class DirectionMeter {
  private busySince = -1
  private sampleStart = -1
  private sampleBytes = 0
  private lastAt = -1
  private readonly samples: RateSample[] = []
  /** The last sample taken, kept after it ages out so an idle link still shows what it last did. */
  last: RateSample | null = null

  constructor(private readonly warmupMs: number) {}

  add(bytes: number, now: number): void {
    const paused = this.lastAt < 0 || now - this.lastAt > MAX_GAP_MS
    this.lastAt = now
    if (paused) {
      // A new busy period; whatever was being sampled had a pause in it. This frame's bytes travelled
      // before the period's clock started, so they are not counted.
      this.busySince = now
      this.sampleStart = now
      this.sampleBytes = 0
      return
    }
    this.sampleBytes += bytes
    const elapsed = now - this.sampleStart
    if (elapsed < SAMPLE_MS) return
    if (now - this.busySince >= this.warmupMs + elapsed && this.sampleBytes >= MIN_SAMPLE_BYTES) {
      this.record({ at: now, bitsPerSecond: (this.sampleBytes * 8 * 1000) / elapsed })
    }
    this.sampleStart = now
    this.sampleBytes = 0
  }

  private record(sample: RateSample): void {
    this.samples.push(sample)
    if (this.samples.length > MAX_SAMPLES) this.samples.shift()
    this.last = sample
  }

  /** The highest recent delivery rate: what the link carried when the sender kept it full. */
  bitsPerSecond(now: number): number | null {
    let best: number | null = null
    for (const s of this.samples) {
      if (now - s.at <= ESTIMATE_WINDOW_MS && (best == null || s.bitsPerSecond > best)) best = s.bitsPerSecond
    }
    return best ?? this.last?.bitsPerSecond ?? null
  }
}

export interface LinkEstimate {
  /** Bandwidth seen sending and receiving, bits per second; null until measured. */
  sendBitsPerSecond: number | null
  receiveBitsPerSecond: number | null
  /** The larger of the two: the link carried at least this much. */
  bitsPerSecond: number | null
  /** Smallest and latest round trip, milliseconds; null until measured. */
  minRttMs: number | null
  rttMs: number | null
  tier: LinkTier | null
}

export class LinkEstimator {
  private readonly send = new DirectionMeter(SEND_WARMUP_MS)
  private readonly receive = new DirectionMeter(0)
  private readonly rtts: number[] = []

  onBytes(direction: Direction, bytes: number, now: number): void {
    ;(direction === 'send' ? this.send : this.receive).add(bytes, now)
  }

  onRtt(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    this.rtts.push(ms)
    if (this.rtts.length > RTT_SAMPLES) this.rtts.shift()
  }

  estimate(now: number): LinkEstimate {
    const sendBitsPerSecond = this.send.bitsPerSecond(now)
    const receiveBitsPerSecond = this.receive.bitsPerSecond(now)
    const rates = [sendBitsPerSecond, receiveBitsPerSecond].filter((r) => r != null)
    const bitsPerSecond = rates.length === 0 ? null : Math.max(...rates)
    return {
      sendBitsPerSecond,
      receiveBitsPerSecond,
      bitsPerSecond,
      minRttMs: this.rtts.length === 0 ? null : Math.min(...this.rtts),
      rttMs: this.rtts.at(-1) ?? null,
      tier: bitsPerSecond == null ? null : classifyLinkTier(bitsPerSecond),
    }
  }
}
