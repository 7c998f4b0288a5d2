import { describe, expect, it } from 'vitest'
import { MemoryBoundsError, PagedMemory } from './paged-memory'

describe('PagedMemory', () => {
  it('takes pages only where written, and reads across page edges', () => {
    const memory = new PagedMemory(1024, 256)
    expect(memory.residentBytes).toBe(0)
    memory.write(250, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    expect(memory.residentBytes).toBe(512)
    expect([...memory.read(248, 14)]).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0])
  })

  it('refuses negative, fractional and out-of-range addresses, changing nothing', () => {
    const memory = new PagedMemory(1024, 256)
    for (const [offset, length] of [
      [-1, 4],
      [0.5, 4],
      [1020, 5],
      [0, -1],
    ] as const)
      expect(() => memory.read(offset, length)).toThrow(MemoryBoundsError)
    expect(() => memory.write(1023, new Uint8Array(2))).toThrow(/beyond the leased 1024 bytes/)
    expect(memory.residentBytes).toBe(0)
  })
})
