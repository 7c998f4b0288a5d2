import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { encodeShards, ErasureError, reconstructData } from './erasure'

function* subsets(n: number, keep: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === keep) yield chosen
  else for (let i = from; i < n; i++) yield* subsets(n, keep, i + 1, [...chosen, i])
}

describe('Reed-Solomon erasure coding (systematic Cauchy over GF(256))', () => {
  for (const [k, n, size] of [
    [1, 2, 17],
    [2, 3, 1000],
    [3, 5, 4099],
    [4, 6, 65536],
    [5, 9, 777],
    [10, 14, 3000],
  ] as const) {
    it(`${k} of ${n}: every set of ${k} shards rebuilds the data`, () => {
      const data = new Uint8Array(randomBytes(size))
      const { shards, shardSize } = encodeShards(data, k, n)
      expect(shards.slice(0, k).every((s) => s.length === shardSize)).toBe(true)
      let sets = 0
      for (const keep of subsets(n, k)) {
        const some = shards.map((s, i) => (keep.includes(i) ? s : null))
        expect(reconstructData(some, k, shardSize).subarray(0, size)).toEqual(data)
        sets++
      }
      expect(sets).toBeGreaterThan(0)
    })
  }

  it('keeps data shards as the data itself (systematic)', () => {
    const data = new Uint8Array(randomBytes(300))
    const { shards } = encodeShards(data, 3, 5)
    expect(Buffer.concat(shards.slice(0, 3))).toEqual(Buffer.from(data))
  })

  it('refuses fewer than k shards, shards of the wrong size, and impossible shapes', () => {
    const { shards, shardSize } = encodeShards(new Uint8Array(randomBytes(90)), 3, 5)
    expect(() => reconstructData([shards[0]!, null, null, null, shards[4]!], 3, shardSize)).toThrow(
      ErasureError,
    )
    expect(() =>
      reconstructData([shards[0]!, shards[1]!.subarray(1), null, null, shards[4]!], 3, shardSize),
    ).toThrow(/2 of 5 shards are here; 3 are needed/)
    expect(() => encodeShards(new Uint8Array(1), 3, 3)).toThrow(/1 ≤ k < n ≤ 255/)
    expect(() => encodeShards(new Uint8Array(1), 200, 256)).toThrow(/1 ≤ k < n ≤ 255/)
  })
})
