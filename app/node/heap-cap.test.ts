import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { heapCapFlag, heapCapMiB, heapIsCapped, MIN_HEAP_CAP_MIB } from './heap-cap'

describe('the heap cap follows the connection limit', () => {
  it('is the measured 640 MiB at 10,000 connections, and never below the floor', () => {
    expect(heapCapMiB(10_000)).toBe(647)
    expect(heapCapMiB(300)).toBe(MIN_HEAP_CAP_MIB)
    expect(heapCapMiB(1)).toBe(MIN_HEAP_CAP_MIB)
    expect(heapCapMiB(100_000)).toBeGreaterThan(heapCapMiB(10_000))
    expect(heapCapFlag(10_000)).toBe('--max-old-space-size=647')
  })

  it('tells a capped process from one on V8 defaults', () => {
    const limitWith = (flags: string[]): number =>
      Number(
        spawnSync(
          process.execPath,
          [...flags, '-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit / 2 ** 20)'],
          { encoding: 'utf8' },
        ).stdout,
      )
    const capped = limitWith([heapCapFlag(10_000)])
    expect(capped).toBeGreaterThanOrEqual(647)
    expect(heapIsCapped(10_000, capped)).toBe(true)
    expect(heapIsCapped(10_000, 4144)).toBe(false)
  })
})
