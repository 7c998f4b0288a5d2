/**
 * The reward schedule: what the ledger pays providers each epoch for leased, receipted use of their
 * assets, and the arithmetic both the ledger (exactly, in base units) and the UI (estimates) use.
 *
 * Use is metered in amount·seconds of the lease's unit (bytes for memory and storage, thousandths of a
 * core for CPU and GPU); a rate is in base units (10^-6 CAESAR) per standard unit-hour: one core-hour,
 * one GPU-hour, one GiB-hour.
 */
import { z } from 'zod'
import { AmountText } from './chain-schemas'
import type { HardwareSnapshot } from './schemas'
import {
  PRIVACY_LEVEL_INFO,
  PRIVACY_LEVELS,
  RESOURCE_KINDS,
  type PrivacyLevel,
  type ResourceKind,
  type SharingSettings,
} from './sharing-schemas'

export const RewardSchedule = z
  .object({
    /** Blocks per epoch; rewards are paid in the first block of the next epoch. */
    epochBlocks: z.number().int().min(1).max(1_000_000),
    /** The most an epoch pays in all; claims beyond it are paid pro rata. */
    emissionPerEpoch: AmountText,
    /** Base units per standard unit-hour, per resource. */
    ratePerUnitHour: z
      .object({ cpu: AmountText, gpu: AmountText, memory: AmountText, storage: AmountText })
      .strict(),
    /** The privacy level's multiplier, in parts per million. */
    multiplierPpm: z
      .object({
        Private: z.number().int().min(0).max(10_000_000),
        PrivateNetwork: z.number().int().min(0).max(10_000_000),
        P2P: z.number().int().min(0).max(10_000_000),
        PublicNetwork: z.number().int().min(0).max(10_000_000),
        FullPublic: z.number().int().min(0).max(10_000_000),
      })
      .strict(),
  })
  .strict()
export type RewardSchedule = z.infer<typeof RewardSchedule>

const GIB = 2 ** 30
/** Amount·seconds of a lease's unit in one standard unit-hour. */
export const UNIT_SECONDS_PER_HOUR: Record<ResourceKind, bigint> = {
  cpu: 1000n * 3600n,
  gpu: 1000n * 3600n,
  memory: BigInt(GIB) * 3600n,
  storage: BigInt(GIB) * 3600n,
}

/** Ten minutes of one-second blocks; 0.1 CAESAR a core-hour, 1 a GPU-hour, 0.02 and 0.0005 a GiB-hour. */
export const DEFAULT_REWARD_SCHEDULE: RewardSchedule = {
  epochBlocks: 600,
  emissionPerEpoch: '100000000000',
  ratePerUnitHour: { cpu: '100000', gpu: '1000000', memory: '20000', storage: '500' },
  multiplierPpm: Object.fromEntries(
    PRIVACY_LEVELS.map((level) => [level, Math.round(PRIVACY_LEVEL_INFO[level].rewardMultiplier * 1e6)]),
  ) as RewardSchedule['multiplierPpm'],
}

/** Weighted use: amount·seconds times the privacy multiplier in ppm, the figure claims add up. */
export const weightedUse = (unitSeconds: bigint, privacy: PrivacyLevel, schedule: RewardSchedule): bigint =>
  unitSeconds * BigInt(schedule.multiplierPpm[privacy])

/** Base units that weighted use of `resource` earns before the epoch's emission cap. */
export const rewardFor = (weighted: bigint, resource: ResourceKind, schedule: RewardSchedule): bigint =>
  (weighted * BigInt(schedule.ratePerUnitHour[resource])) / (UNIT_SECONDS_PER_HOUR[resource] * 1_000_000n)

/**
 * What an offer earns per hour while fully leased, in base units (a float: it is an estimate for people,
 * never used by the ledger): the amount in the lease's unit times the rate and the privacy multiplier.
 */
export function estimatePerHour(
  resource: ResourceKind,
  amount: number,
  privacy: PrivacyLevel,
  schedule: RewardSchedule,
): number {
  const perUnitHour =
    Number(schedule.ratePerUnitHour[resource]) / Number(UNIT_SECONDS_PER_HOUR[resource] / 3600n)
  return amount * perUnitHour * (schedule.multiplierPpm[privacy] / 1e6)
}

export const RESOURCE_UNIT_NAMES: Record<ResourceKind, string> = {
  cpu: 'core-hour',
  gpu: 'GPU-hour',
  memory: 'GiB-hour',
  storage: 'GiB-hour',
}

export const RewardAmounts = z
  .object({ cpu: AmountText, gpu: AmountText, memory: AmountText, storage: AmountText })
  .strict()
export type RewardAmounts = z.infer<typeof RewardAmounts>

export const EpochEarnings = z
  .object({
    epoch: z.number().int().min(0),
    height: z.number().int().min(0),
    timeMs: z.number(),
    byResource: RewardAmounts,
    total: AmountText,
  })
  .strict()
export type EpochEarnings = z.infer<typeof EpochEarnings>

/** The rewards view: the schedule in force, this node's earnings, and its usage receipts. */
export const RewardsStatus = z
  .object({
    /** False when the node's network has no ledger: nothing is paid. */
    enabled: z.boolean(),
    schedule: RewardSchedule,
    epoch: z.number().int().min(0),
    blocksLeftInEpoch: z.number().int().min(0),
    /** Milliseconds per block over recent blocks, for turning epochs into hours. */
    blockMs: z.number().min(0),
    lifetime: AmountText,
    /** Base units per hour over the last paid epoch. */
    ratePerHour: z.number().min(0),
    /** Receipted use this epoch, as it will be paid if the cap is not reached. */
    accruing: RewardAmounts,
    history: z.array(EpochEarnings).max(500),
    receipts: z
      .object({
        pending: z.number().int().min(0),
        claimed: z.number().int().min(0),
        refused: z.number().int().min(0),
      })
      .strict(),
    lastRefusal: z.string().nullable(),
  })
  .strict()
export type RewardsStatus = z.infer<typeof RewardsStatus>

export const ZERO_AMOUNTS: RewardAmounts = Object.fromEntries(
  RESOURCE_KINDS.map((r) => [r, '0']),
) as RewardAmounts

/**
 * What a resource would offer under `settings` on this hardware, in the lease's unit: thousandths of a core
 * for CPU (of all cores) and GPU (of one), bytes for memory and storage. An estimate for the UI; the node
 * computes the offer it leases from the live limits.
 */
export function offerUnder(
  resource: ResourceKind,
  settings: Pick<SharingSettings, 'enabled' | 'allocationPercent' | 'memoryIdleBytes' | 'diskQuotaBytes'>,
  hardware: Pick<HardwareSnapshot, 'cpu' | 'memory' | 'gpus' | 'disks'>,
): number {
  if (!settings.enabled) return 0
  const share = settings.allocationPercent / 100
  switch (resource) {
    case 'cpu':
      return hardware.cpu.cores * 1000 * share
    case 'gpu':
      return hardware.gpus.length > 0 ? 1000 * share : 0
    case 'memory':
      return Math.min(hardware.memory.totalBytes * share, settings.memoryIdleBytes ?? Infinity)
    case 'storage': {
      const free = Math.max(0, ...hardware.disks.map((d) => d.availableBytes))
      return settings.diskQuotaBytes ?? free * share
    }
  }
}
