/**
 * The limits leased work runs under, from the CPU and memory terms and the state of the machine: CPU is
 * the allocation's share of all cores; memory is the cap set for "in use" or "idle" (or, where unset, the
 * allocation's share of all memory); the work is paused whenever CPU sharing is not active.
 */
import type { HardwareSnapshot } from '../../../shared/schemas'
import type { SharingSettings } from '../../../shared/sharing-schemas'
import type { WorkLimits } from '../limits/work-limits'

/** The smallest CPU share any limiter can apply; a lower allocation pauses the work instead. */
const MIN_CORES = 0.01
const MIN_MEMORY = 4 * 1024 * 1024

export interface LeasedLimits {
  limits: WorkLimits
  paused: boolean
}

export function leasedLimits(input: {
  cpu: SharingSettings
  memory: SharingSettings
  cpuActive: boolean
  /** Whether the computer counts as idle now (null: unknown, treated as in use). */
  idle: boolean | null
  hardware: HardwareSnapshot
}): LeasedLimits {
  const { cpu, memory, hardware } = input
  const cores = (hardware.cpu.cores * cpu.allocationPercent) / 100
  const share = Math.floor((hardware.memory.totalBytes * memory.allocationPercent) / 100)
  const set = input.idle === true ? memory.memoryIdleBytes : memory.memoryInUseBytes
  return {
    limits: {
      cpuCores: Math.max(MIN_CORES, Math.round(cores * 1000) / 1000),
      memoryBytes: Math.max(MIN_MEMORY, set ?? share),
    },
    paused: !input.cpuActive || cores < MIN_CORES,
  }
}
