import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, formatLatency, formatPercent, shortId, usedPercent } from './format'

describe('format', () => {
  it('writes durations as the dashboard shows uptime', () => {
    expect(formatDuration(3_723_000)).toBe('1h 02m 03s')
    expect(formatDuration(7_000)).toBe('7s')
    expect(formatDuration(249_999)).toBe('4m 09s')
    expect(formatDuration(2 * 86_400_000 + 3_723_000)).toBe('2d 01h 02m 03s')
    expect(formatDuration(-5)).toBe('0s')
  })

  it('writes sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB')
    expect(formatBytes(15.6 * 1024 ** 3)).toBe('15.6 GiB')
    expect(formatBytes(1863 * 1024 ** 3)).toBe('1.8 TiB')
    expect(formatBytes(null)).toBe('—')
  })

  it('writes latency, with a dash until it is known', () => {
    expect(formatLatency(null)).toBe('—')
    expect(formatLatency(12.4)).toBe('12 ms')
    expect(formatLatency(0.42)).toBe('0.4 ms')
  })

  it('clamps percentages', () => {
    expect(formatPercent(23.6)).toBe('24 %')
    expect(formatPercent(180)).toBe('100 %')
    expect(usedPercent(1, 4)).toBe(25)
    expect(usedPercent(1, 0)).toBe(0)
  })

  it('shortens long ids and keeps short ones whole', () => {
    expect(shortId('12D3KooWQ8hS5vXb1ZzR9yTq7jKpN2cLmE4fGtH6uVwXyA3bCdEf')).toBe('12D3KooW…3bCdEf')
    expect(shortId('abc')).toBe('abc')
  })
})
