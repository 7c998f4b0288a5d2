/**
 * The reward schedule's shape (a genesis carries one; the rewards view shows it), what the rewards view
 * reports, and the UI's estimates. The ledger's exact arithmetic is in app/consensus/rewards.
 *
 * Use is metered in amount·seconds of the lease's unit (bytes for memory and storage, thousandths of a
 * core for CPU and GPU); a rate is in base units (10^-6 CAESAR) per standard unit-hour: one core-hour,
 * one GPU-hour, one GiB-hour.
 */
import { z } from 'zod'
import { AmountText } from './chain-schemas'
import type { HardwareSnapshot } from './schemas'
import { RESOURCE_KINDS, type PrivacyLevel, type ResourceKind, type SharingSettings } from './sharing-schemas'

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

/**
 * How many of a lease's units make one standard unit (a core, a GPU, a GiB), for estimates and labels. The
 * ledger's exact arithmetic is its own (app/consensus/rewards); a test holds the two to the same figures.
 */
export const UNITS_PER_STANDARD_UNIT: Record<ResourceKind, number> = {
  cpu: 1000,
  gpu: 1000,
  memory: 2 ** 30,
  storage: 2 ** 30,
}

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
  const perUnitHour = Number(schedule.ratePerUnitHour[resource]) / UNITS_PER_STANDARD_UNIT[resource]
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
