import { describe, expect, it } from 'vitest'
import { ESTIMATE_WINDOW_MS, LinkEstimator, MAX_GAP_MS, SEND_WARMUP_MS } from './estimator'

/** Feeds `bitsPerSecond` for `ms` as 16 KiB frames, from `start`; returns when it stopped. */
function feed(
  estimator: LinkEstimator,
  direction: 'send' | 'receive',
  bitsPerSecond: number,
  ms: number,
  start = 0,
): number {
  const frame = 16 * 1024
  const every = (frame * 8 * 1000) / bitsPerSecond
  let at = start
  for (; at <= start + ms; at += every) estimator.onBytes(direction, frame, at)
  return at
}

describe('LinkEstimator', () => {
  it('knows nothing before traffic and round trips', () => {
    expect(new LinkEstimator().estimate(0)).toEqual({
      sendBitsPerSecond: null,
      receiveBitsPerSecond: null,
      bitsPerSecond: null,
      minRttMs: null,
      rttMs: null,
      tier: null,
    })
  })

  it('measures a steady receive rate and classifies it', () => {
    const estimator = new LinkEstimator()
    const end = feed(estimator, 'receive', 95e6, 2_000)
    const estimate = estimator.estimate(end)
    expect(estimate.receiveBitsPerSecond).toBeGreaterThan(95e6 * 0.97)
    expect(estimate.receiveBitsPerSecond).toBeLessThan(95e6 * 1.03)
    expect(estimate.tier).toBe('100M')
  })

  it('does not read a lightly used connection as a slow link', () => {
    const estimator = new LinkEstimator()
    // A 200-byte message every 100 ms: every gap is a pause.
    for (let at = 0; at < 5_000; at += 100) estimator.onBytes('receive', 200, at)
    expect(estimator.estimate(5_000).bitsPerSecond).toBeNull()
  })

  it('drops a sample that had a pause in it', () => {
    const estimator = new LinkEstimator()
    let at = feed(estimator, 'receive', 1e9, 100)
    at += MAX_GAP_MS + 1
    feed(estimator, 'receive', 1e9, 100, at)
    expect(estimator.estimate(at + 100).bitsPerSecond).toBeNull()
  })

  it("skips the sending side's first second, when writes only fill buffers", () => {
    const estimator = new LinkEstimator()
    // 50 MB "sent" in the first 200 ms (into buffers), then the link's real 100 Mbit/s.
    let at = feed(estimator, 'send', 2e9, 200)
    at = feed(estimator, 'send', 100e6, SEND_WARMUP_MS + 1_000, at)
    const estimate = estimator.estimate(at)
    expect(estimate.sendBitsPerSecond).toBeLessThan(110e6)
    expect(estimate.tier).toBe('100M')
  })

  it('takes the higher direction as the link rate', () => {
    const estimator = new LinkEstimator()
    let at = feed(estimator, 'receive', 900e6, 1_000)
    at = feed(estimator, 'send', 50e6, 2_000, at + 100)
    const estimate = estimator.estimate(at)
    expect(estimate.bitsPerSecond).toBe(estimate.receiveBitsPerSecond)
    expect(estimate.tier).toBe('1G')
  })

  it('forgets old samples but keeps showing the last one while idle', () => {
    const estimator = new LinkEstimator()
    let at = feed(estimator, 'receive', 2e9, 1_000)
    at = feed(estimator, 'receive', 90e6, 1_000, at + 200)
    // Within the window the faster samples win; past it only the last (slower) sample is left.
    expect(estimator.estimate(at).tier).toBe('2.5G')
    expect(estimator.estimate(at + ESTIMATE_WINDOW_MS + 1).tier).toBe('100M')
  })

  it('keeps the smallest and the latest round trip, ignoring nonsense', () => {
    const estimator = new LinkEstimator()
    for (const rtt of [12, 3, 40, -1, Number.NaN, 20]) estimator.onRtt(rtt)
    expect(estimator.estimate(0)).toMatchObject({ minRttMs: 3, rttMs: 20 })
  })
})
