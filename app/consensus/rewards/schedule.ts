/**
 * The reward schedule as the ledger applies it: the default schedule of a network, the epoch a height is
 * in, and the exact arithmetic (bigints, base units) that block execution pays with. It lives here, not
 * with the UI contract in shared/, so that nothing edited for the UI can change a consensus result; the
 * UI's estimates (shared/rewards.ts) are tested against it.
 *
 * Use is metered in amount·seconds of the lease's unit (bytes for memory and storage, thousandths of a
 * core for CPU and GPU); a rate is in base units (10^-6 CAESAR) per standard unit-hour: one core-hour,
 * one GPU-hour, one GiB-hour.
 */
import type { RewardSchedule } from '../../../shared/rewards'
import { RESOURCE_KINDS, type PrivacyLevel, type ResourceKind } from '../../../shared/sharing-schemas'

const GIB = 2n ** 30n
/** Amount·seconds of a lease's unit in one standard unit-hour. */
export const UNIT_SECONDS_PER_HOUR: Readonly<Record<ResourceKind, bigint>> = {
  cpu: 1000n * 3600n,
  gpu: 1000n * 3600n,
  memory: GIB * 3600n,
  storage: GIB * 3600n,
}

/**
 * Ten minutes of one-second blocks; 0.1 CAESAR a core-hour, 1 a GPU-hour, 0.02 and 0.0005 a GiB-hour;
 * the privacy level's multiplier from nothing (Private) to 1.25× (FullPublic). Networks made before
 * rewards existed are paid by this schedule, so it never changes: a new default is a new constant.
 */
export const DEFAULT_REWARD_SCHEDULE: RewardSchedule = {
  epochBlocks: 600,
  emissionPerEpoch: '100000000000',
  ratePerUnitHour: { cpu: '100000', gpu: '1000000', memory: '20000', storage: '500' },
  multiplierPpm: {
    Private: 0,
    PrivateNetwork: 500_000,
    P2P: 750_000,
    PublicNetwork: 1_000_000,
    FullPublic: 1_250_000,
  },
}

/** The schedule a network pays by: its genesis's, or the default for networks made before rewards. */
export const scheduleOf = (params: { rewards?: RewardSchedule }): RewardSchedule =>
  params.rewards ?? DEFAULT_REWARD_SCHEDULE

/** The epoch a block height belongs to; height 0 (genesis) and the first epochBlocks − 1 blocks are epoch 0. */
export const epochOf = (height: number, schedule: RewardSchedule): number =>
  Math.floor(height / schedule.epochBlocks)

/** Weighted use: amount·seconds times the privacy multiplier in ppm, the figure claims add up. */
export const weightedUse = (unitSeconds: bigint, privacy: PrivacyLevel, schedule: RewardSchedule): bigint =>
  unitSeconds * BigInt(schedule.multiplierPpm[privacy])

/** Base units that weighted use of `resource` earns before the epoch's emission cap. */
export const rewardFor = (weighted: bigint, resource: ResourceKind, schedule: RewardSchedule): bigint =>
  (weighted * BigInt(schedule.ratePerUnitHour[resource])) / (UNIT_SECONDS_PER_HOUR[resource] * 1_000_000n)

/** The ledger keeps an epoch's use per owner and resource under `owner|resource`. */
export const usageKey = (owner: string, resource: ResourceKind): string => `${owner}|${resource}`

export function parseUsageKey(key: string): { owner: string; resource: ResourceKind } {
  const [owner = '', resource = ''] = key.split('|')
  if (!(RESOURCE_KINDS as readonly string[]).includes(resource)) throw new Error(`bad usage key ${key}`)
  return { owner, resource: resource as ResourceKind }
}
