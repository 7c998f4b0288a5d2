import { describe, expect, it } from 'vitest'
import { estimatePerHour, UNITS_PER_STANDARD_UNIT } from '../../../shared/rewards'
import { PRIVACY_LEVEL_INFO, PRIVACY_LEVELS, RESOURCE_KINDS } from '../../../shared/sharing-schemas'
import { DEFAULT_REWARD_SCHEDULE, rewardFor, UNIT_SECONDS_PER_HOUR, weightedUse } from './schedule'

describe('the ledger’s reward arithmetic and the UI’s estimates say the same', () => {
  it('a standard unit-hour is the same amount of use on both sides', () => {
    for (const resource of RESOURCE_KINDS)
      expect(UNIT_SECONDS_PER_HOUR[resource]).toBe(BigInt(UNITS_PER_STANDARD_UNIT[resource]) * 3600n)
  })

  it('the privacy multipliers the UI explains are the default schedule’s', () => {
    for (const level of PRIVACY_LEVELS)
      expect(DEFAULT_REWARD_SCHEDULE.multiplierPpm[level]).toBe(
        Math.round(PRIVACY_LEVEL_INFO[level].rewardMultiplier * 1e6),
      )
  })

  it('an hour of an offer earns on the ledger what the UI estimates, to the base unit', () => {
    const offers = { cpu: 2_500, gpu: 1_000, memory: 3 * 2 ** 30, storage: 100 * 2 ** 30 }
    for (const resource of RESOURCE_KINDS)
      for (const level of PRIVACY_LEVELS) {
        const amount = offers[resource]
        const exact = rewardFor(
          weightedUse(BigInt(amount) * 3600n, level, DEFAULT_REWARD_SCHEDULE),
          resource,
          DEFAULT_REWARD_SCHEDULE,
        )
        const estimate = estimatePerHour(resource, amount, level, DEFAULT_REWARD_SCHEDULE)
        expect(Math.abs(Number(exact) - estimate)).toBeLessThan(1)
      }
  })

  it('the ledger rounds down, never up: a sliver of use earns nothing rather than a unit', () => {
    expect(rewardFor(1n, 'storage', DEFAULT_REWARD_SCHEDULE)).toBe(0n)
    expect(weightedUse(1000n, 'Private', DEFAULT_REWARD_SCHEDULE)).toBe(0n)
  })
})
