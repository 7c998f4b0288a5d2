/** The scenario for a seed: the seed alone decides validator count, Byzantine kinds and fault rates. */
import { BYZANTINE_KINDS } from './byzantine'
import { Random } from './random'
import type { SimConfig } from './simulation'

export function scenarioFor(seed: number): SimConfig {
  const rng = new Random(seed ^ 0x5eed)
  const validators = rng.pick([4, 4, 5, 7])
  const f = Math.floor((validators - 1) / 3)
  const byzantineCount = rng.int(0, f)
  return {
    seed,
    validators,
    byzantine: Array.from({ length: byzantineCount }, () => rng.pick(BYZANTINE_KINDS)),
    heightsAfterHeal: 3,
    faultMs: rng.int(500, 3000),
    limitMs: 120_000,
    dropRate: rng.pick([0, 0.05, 0.2]),
    duplicateRate: rng.pick([0, 0.1]),
    maxDelayMs: rng.pick([5, 50, 300]),
    crashes: rng.chance(0.5),
    partitions: rng.chance(0.5),
    lockRestarts: rng.chance(0.3),
    market: rng.chance(0.5),
  }
}

/** A calm network for targeted scenarios: no drops, duplicates, crashes or partitions; short delays. */
export const CALM: Omit<SimConfig, 'seed' | 'validators' | 'byzantine'> = {
  heightsAfterHeal: 4,
  faultMs: 1000,
  limitMs: 60_000,
  dropRate: 0,
  duplicateRate: 0,
  maxDelayMs: 20,
  crashes: false,
  partitions: false,
  lockRestarts: false,
}
