/**
 * The compliance suite every AssetAdapter passes, reading this machine: its kind is what it says, a
 * reading parses under the API schema the UI relies on, its figures are finite and in range, reads are
 * quick and repeatable, and concurrent reads agree on what does not change.
 */
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { AssetAdapter, AssetKind } from '../../app/assets/index'

export function adapterCompliance<K extends AssetKind, R>(
  adapter: AssetAdapter<K, R>,
  schema: z.ZodType<R>,
  ranges: (reading: R) => { name: string; value: number | null; min: number; max: number }[],
  stable: (reading: R) => unknown,
): void {
  describe(`the ${adapter.kind} adapter`, () => {
    it('reads, within 5 s, a reading that parses under its API schema', async () => {
      const started = performance.now()
      const reading = await adapter.read()
      expect(performance.now() - started).toBeLessThan(5_000)
      expect(() => schema.parse(reading)).not.toThrow()
    })

    it('reports finite figures within their ranges (or null where the machine does not say)', async () => {
      for (const { name, value, min, max } of ranges(await adapter.read())) {
        if (value == null) continue
        expect(Number.isFinite(value), `${name} is finite`).toBe(true)
        expect(value, `${name} ≥ ${min}`).toBeGreaterThanOrEqual(min)
        expect(value, `${name} ≤ ${max}`).toBeLessThanOrEqual(max)
      }
    })

    it('answers concurrent reads, which agree on what does not change', async () => {
      const [a, b] = await Promise.all([adapter.read(), adapter.read()])
      expect(stable(a)).toEqual(stable(b))
    })
  })
}
