import { describe, expect, it } from 'vitest'
import {
  classifyLinkTier,
  LINK_TIERS,
  MAX_STREAM_WINDOW,
  MIN_STREAM_WINDOW,
  TARGET_QUEUE_MS,
  tuneForLink,
} from './tiers'

describe('classifyLinkTier', () => {
  it.each([
    [0, '100M'],
    [20e6, '100M'],
    [95e6, '100M'],
    [120e6, '100M'],
    [121e6, '1G'],
    [940e6, '1G'],
    [1.2e9, '1G'],
    [1.21e9, '2.5G'],
    [2.35e9, '2.5G'],
    [3e9, '2.5G'],
    [3.1e9, 'faster'],
    [40e9, 'faster'],
  ] as const)('%d bit/s is %s', (rate, tier) => {
    expect(classifyLinkTier(rate)).toBe(tier)
  })

  it('names the tiers the API carries, slowest first', () => {
    expect(LINK_TIERS).toEqual(['100M', '1G', '2.5G', 'faster'])
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rate of %d', (rate) => {
    expect(() => classifyLinkTier(rate)).toThrow(RangeError)
  })
})

describe('tuneForLink', () => {
  it('gives a slow link the smallest window yamux allows', () => {
    expect(tuneForLink(10e6, 1)).toEqual({ maxStreamWindowBytes: MIN_STREAM_WINDOW, bulkStreams: 1 })
  })

  it('holds the queue a window makes near the target time at the measured rate', () => {
    for (const rate of [95e6, 940e6, 2.4e9]) {
      const { maxStreamWindowBytes } = tuneForLink(rate, 0.5)
      const drainMs = (maxStreamWindowBytes * 8 * 1000) / rate
      // Rounded up to a power of two: between the target and twice it.
      expect(drainMs).toBeGreaterThanOrEqual(TARGET_QUEUE_MS)
      expect(drainMs).toBeLessThan(2 * TARGET_QUEUE_MS)
    }
  })

  it('covers twice the round trip on long links', () => {
    const { maxStreamWindowBytes } = tuneForLink(100e6, 80)
    expect(maxStreamWindowBytes).toBeGreaterThanOrEqual((100e6 / 8) * 0.16)
  })

  it('spreads a bulk transfer over streams where one window cannot cover the bandwidth-delay product', () => {
    const tuning = tuneForLink(10e9, 100) // 10 Gbit/s × 200 ms = 250 MB
    expect(tuning.maxStreamWindowBytes).toBe(MAX_STREAM_WINDOW)
    expect(tuning.bulkStreams).toBe(16)
  })

  it('refuses a tuning without a measurement', () => {
    expect(() => tuneForLink(0, 1)).toThrow(RangeError)
    expect(() => tuneForLink(1e9, -1)).toThrow(RangeError)
    expect(() => tuneForLink(Number.NaN, 1)).toThrow(RangeError)
  })
})
