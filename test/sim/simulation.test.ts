/**
 * The simulator under `npm test`: 200 seeded scenarios with drops, duplicates, delays, partitions, crashes,
 * restarts right after locking, and up to f Byzantine validators of seven kinds (BYZANTINE_KINDS);
 * `npm run sim -- --seeds N` runs more. The schedules of issue 17 are in review-faults.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { CALM, scenarioFor } from './scenarios'
import { Simulation } from './simulation'

const SEEDS = 200

describe('consensus under deterministic simulation', () => {
  it(`holds agreement, state-root and liveness invariants for ${SEEDS} seeds`, { timeout: 600_000 }, () => {
    const failing: string[] = []
    let byzantineRuns = 0
    for (let seed = 1; seed <= SEEDS; seed++) {
      const config = scenarioFor(seed)
      if (config.byzantine.length > 0) byzantineRuns++
      const result = new Simulation(config).run()
      if (result.violations.length > 0) failing.push(`seed ${seed}: ${result.violations.join('; ')}`)
    }
    expect(failing).toEqual([])
    expect(byzantineRuns).toBeGreaterThan(SEEDS / 4)
  })

  it('replays a seed exactly', () => {
    const a = new Simulation(scenarioFor(42)).run()
    const b = new Simulation(scenarioFor(42)).run()
    expect(b).toEqual(a)
  })

  it('slashes and jails an equivocating validator, and the chain goes on without it', () => {
    const result = new Simulation({ ...CALM, seed: 7, validators: 4, byzantine: ['equivocate'] }).run()
    expect(result.violations).toEqual([])
    expect(result.slashed).toBe(1)
  })

  for (const kind of ['withhold', 'invalid-proof', 'lying-time'] as const) {
    it(`keeps committing with one ${kind} validator of four`, () => {
      const result = new Simulation({ ...CALM, seed: 11, validators: 4, byzantine: [kind] }).run()
      expect(result.violations).toEqual([])
      expect(Math.min(...result.heights)).toBeGreaterThanOrEqual(4)
    })
  }

  it('trades on the exchange through crashes and partitions: fills, with supply and the book kept', () => {
    const result = new Simulation({
      ...CALM,
      seed: 5,
      validators: 4,
      byzantine: ['equivocate'],
      crashes: true,
      partitions: true,
      dropRate: 0.05,
      faultMs: 3000,
      heightsAfterHeal: 8,
      market: true,
    }).run()
    expect(result.violations).toEqual([])
    expect(result.fills).toBeGreaterThan(0)
  })

  it('halts without forking when a third of the power is cut off, then recovers when it heals', () => {
    // Seven validators, permanently partitioned 4 / 3 during the faults: neither side has a quorum.
    const result = new Simulation({
      ...CALM,
      seed: 3,
      validators: 7,
      byzantine: [],
      faultMs: 5000,
      partitions: true,
      crashes: true,
    }).run()
    expect(result.violations).toEqual([])
  })
})
