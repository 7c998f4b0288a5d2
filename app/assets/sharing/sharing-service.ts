/**
 * The node's sharing: each resource's terms (stored, validated against this machine, changed live), and
 * their enforcement. Leased work runs in one limited group whose CPU share, memory cap and pause follow
 * the CPU and memory terms, re-evaluated every two seconds (time windows, idle time, temperature) and at
 * once when the terms change. The state it reports sets what is configured beside what is measured.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import { AssetRequestError } from '../errors'
import type { HardwareSnapshot } from '../../../shared/schemas'
import {
  RESOURCE_KINDS,
  type ResourceKind,
  type ResourceSharingState,
  type SharingSettings,
  type SharingState,
  type SharingUpdate,
} from '../../../shared/sharing-schemas'
import { readHardware, type HardwareAdapters } from '../hardware'
import type { LimiterChoice } from '../limits/detect'
import type { LimitedGroup } from '../limits/work-limits'
import { sharingActivity, type Activity } from './activity'
import { enforcementOf, type GpuJobsHost } from './enforcement-report'
import type { GpuControls } from '../hardware/gpu-controls'
import { leasedLimits } from './leased-limits'
import { largestDisk, sharingProblems } from './rules'
import { SharingStore } from './sharing-store'

const TICK_MS = 2_000
/**
 * Leased work's group is named by the node process's pid (and a count, for several nodes in one process),
 * so that groups of dead nodes can be found.
 */
const GROUP_PREFIX = 'leased-'
let groupsMade = 0
/** Seconds without input after which the computer counts as idle for the memory caps. */
const IDLE_AFTER_SECONDS = 300
const idleFrom = (idleSeconds: number | null): boolean | null =>
  idleSeconds == null ? null : idleSeconds >= IDLE_AFTER_SECONDS

export interface SharingParts {
  db: DatabaseSync
  hardware: HardwareAdapters
  limiter: LimiterChoice
  /** The NVIDIA driver's controls for the GPU share, as found at start; absent: not looked for. */
  gpuControls?: GpuControls
  /** Seconds since the last keyboard or mouse input; null where the node cannot tell (headless). */
  idleSeconds(): number | null
  /** Where GPU jobs run now (a WebGPU adapter, or why none); absent: the node runs no GPU jobs. */
  gpuJobs?: () => GpuJobsHost
  log: Logger
}

interface Measured {
  at: number
  cpuSeconds: number
  cpuCores: number | null
  memoryBytes: number | null
}

export class SharingService {
  readonly name = 'sharing'
  private readonly store: SharingStore
  private readonly settings: Record<ResourceKind, SharingSettings>
  private activity = {} as Record<ResourceKind, Activity>
  private hardware: HardwareSnapshot | null = null
  private measured: Measured | null = null
  private timer: NodeJS.Timeout | null = null
  private applying: Promise<void> = Promise.resolve()

  /** Where leased work runs; null until started, and where this system offers no way to limit it. */
  private group: LimitedGroup | null = null

  constructor(private readonly parts: SharingParts) {
    this.store = new SharingStore(parts.db)
    const loaded = this.store.load()
    this.settings = loaded.settings
    for (const { resource, reason } of loaded.unreadable)
      parts.log.warn({ resource, reason }, 'stored sharing settings do not parse; using defaults until saved')
  }

  /** The group leased work runs in (paused until the terms allow work); null where nothing can limit it. */
  get workGroup(): LimitedGroup | null {
    return this.group
  }

  /** Makes the leased-work group, paused, applies the stored terms to it and follows them from then on. */
  async start(): Promise<void> {
    const { limiter } = this.parts.limiter
    if (limiter != null) {
      const orphans = await limiter.removeOrphans(GROUP_PREFIX)
      if (orphans > 0)
        this.parts.log.warn({ orphans }, 'removed leased-work groups of node processes that are gone')
      this.group = await limiter.createGroup(`${GROUP_PREFIX}${process.pid}-${++groupsMade}`, {
        cpuCores: 0.01,
        memoryBytes: null,
      })
    }
    await this.group?.setPaused(true)
    await this.apply()
    this.timer = setInterval(() => void this.apply(), TICK_MS)
    this.timer.unref()
    this.parts.log.info(
      { limiter: limiter?.kind ?? null, passedOver: this.parts.limiter.passedOver },
      limiter == null ? 'no way to limit leased work here; none is accepted' : 'leased work is limited',
    )
  }

  async stop(): Promise<void> {
    if (this.timer != null) clearInterval(this.timer)
    this.timer = null
    await this.applying
    await this.group?.close()
    this.group = null
    this.parts.limiter.limiter?.release?.()
  }

  async state(): Promise<SharingState> {
    await this.applying
    const { limiter, passedOver } = this.parts.limiter
    const resources = Object.fromEntries(RESOURCE_KINDS.map((k) => [k, this.resourceState(k)])) as Record<
      ResourceKind,
      ResourceSharingState
    >
    return {
      limiter: { kind: limiter?.kind ?? null, strength: limiter?.strength ?? null, passedOver },
      resources,
    }
  }

  /** The terms of one resource as they stand. */
  settingsOf(kind: ResourceKind): SharingSettings {
    return this.settings[kind]
  }

  /** The last hardware reading, without waiting for one in progress; null before the first. */
  lastHardware(): HardwareSnapshot | null {
    return this.hardware
  }

  /** The last hardware reading (taken at start and on every change of terms). */
  async hardwareNow(): Promise<HardwareSnapshot> {
    await this.applying
    return this.hardware ?? readHardware(this.parts.hardware)
  }

  /**
   * Memory this node offers to leases now, in bytes: the memory terms' cap (in use or idle) while memory
   * is shared and active; nothing otherwise.
   */
  memoryOffer(): bigint {
    if (this.activity.memory?.active !== true || this.hardware == null) return 0n
    const { limits } = leasedLimits({
      cpu: this.settings.cpu,
      memory: this.settings.memory,
      cpuActive: true,
      idle: idleFrom(this.parts.idleSeconds()),
      hardware: this.hardware,
    })
    return BigInt(limits.memoryBytes ?? 0)
  }

  /**
   * Disk space this node offers to storage leases now, in bytes: the quota (or, without one, the
   * allocation's share of the free space on the largest disk) while storage is shared and active.
   */
  storageOffer(): bigint {
    const terms = this.settings.storage
    if (this.activity.storage?.active !== true || this.hardware == null) return 0n
    if (terms.diskQuotaBytes != null) return BigInt(terms.diskQuotaBytes)
    const disk = largestDisk(this.hardware)
    return BigInt(Math.floor(((disk?.availableBytes ?? 0) * terms.allocationPercent) / 100))
  }

  /**
   * The CPU or GPU share this node offers to leases now, in thousandths of a core (of all cores for CPU, of
   * one GPU): the allocation while the resource is shared and active; nothing otherwise, or without a GPU.
   */
  computeOffer(kind: 'cpu' | 'gpu'): bigint {
    if (this.activity[kind]?.active !== true || this.hardware == null) return 0n
    const percent = this.settings[kind].allocationPercent
    if (kind === 'gpu') return this.hardware.gpus.length > 0 ? BigInt(percent * 10) : 0n
    return BigInt(Math.round(this.hardware.cpu.cores * percent * 10))
  }

  /**
   * The GPU share offered to GPU jobs now, in thousandths of one GPU: the allocation while GPU sharing is
   * active and GPU jobs have a WebGPU adapter to run on; nothing otherwise.
   */
  gpuJobOffer(): bigint {
    const host = this.parts.gpuJobs?.()
    if (this.activity.gpu?.active !== true || host == null || !('adapter' in host)) return 0n
    return BigInt(this.settings.gpu.allocationPercent * 10)
  }

  /** How leased work on `kind` is held to its terms here, and what of them cannot be, in words. */
  enforcementWords(kind: ResourceKind): string {
    const report = this.enforcement(kind)
    const parts = [...report.enforced]
    if (report.notEnforced.length > 0) parts.push(`not enforced here: ${report.notEnforced.join('; ')}`)
    return parts.join('; ') || 'nothing is enforced for this resource here'
  }

  /** Validates new terms for one resource against this machine, stores them, and applies them now. */
  async update({ resource, settings }: SharingUpdate): Promise<SharingState> {
    const hardware = this.hardware ?? (await readHardware(this.parts.hardware))
    const gpuJobs = this.parts.gpuJobs?.()
    const webgpu = gpuJobs != null && 'adapter' in gpuJobs ? gpuJobs.adapter : null
    const problems = sharingProblems(resource, settings, hardware, webgpu)
    if (problems.length > 0) throw new AssetRequestError('bad-request', `${resource}: ${problems.join('; ')}`)
    this.store.save(resource, settings)
    this.settings[resource] = settings
    await this.apply()
    return this.state()
  }

  /** Re-evaluates activity and limits; one run at a time. */
  private apply(): Promise<void> {
    this.applying = this.applying
      .then(() => this.applyNow())
      .catch((err: unknown) => {
        this.parts.log.error({ err }, 'applying the sharing limits failed')
      })
    return this.applying
  }

  private async applyNow(): Promise<void> {
    // Temperatures and load matter only while something is shared; otherwise one reading serves.
    if (this.hardware == null || RESOURCE_KINDS.some((k) => this.settings[k].enabled))
      this.hardware = await readHardware(this.parts.hardware)
    const hardware = this.hardware
    const idleSeconds = this.parts.idleSeconds()
    const now = new Date()
    const gpuTemperature = Math.max(...hardware.gpus.map((g) => g.temperatureC ?? -Infinity))
    for (const kind of RESOURCE_KINDS)
      this.activity[kind] = sharingActivity(this.settings[kind], {
        now,
        idleSeconds,
        temperatureC:
          kind === 'cpu'
            ? hardware.cpu.temperatureC
            : kind === 'gpu' && gpuTemperature > 0
              ? gpuTemperature
              : null,
      })
    const group = this.group
    if (group == null) return
    const { limits, paused } = leasedLimits({
      cpu: this.settings.cpu,
      memory: this.settings.memory,
      cpuActive: this.activity.cpu.active,
      idle: idleFrom(idleSeconds),
      hardware,
    })
    if (limits.cpuCores !== group.limits.cpuCores || limits.memoryBytes !== group.limits.memoryBytes)
      await group.update(limits)
    if (paused !== group.paused) await group.setPaused(paused)
    await this.measure(group)
  }

  private async measure(group: LimitedGroup): Promise<void> {
    const usage = await group.usage()
    const at = performance.now()
    const previous = this.measured
    const cpuCores =
      previous == null || at <= previous.at
        ? null
        : (usage.cpuSeconds - previous.cpuSeconds) / ((at - previous.at) / 1000)
    this.measured = { at, cpuSeconds: usage.cpuSeconds, cpuCores, memoryBytes: usage.memoryBytes }
  }

  private enforcement(kind: ResourceKind): ReturnType<typeof enforcementOf> {
    const { limiter, gpuControls, gpuJobs } = this.parts
    return enforcementOf(kind, this.settings[kind], limiter.limiter, gpuControls, gpuJobs?.())
  }

  private resourceState(kind: ResourceKind): ResourceSharingState {
    const settings = this.settings[kind]
    const group = this.group
    const report = this.enforcement(kind)
    const limits = group?.limits
    const measured = this.measured
    return {
      settings,
      activity: this.activity[kind] ?? { active: false, reason: 'starting' },
      enforced: report.enforced,
      notEnforced: report.notEnforced,
      configured: {
        cpuCores:
          kind === 'cpu' && group != null && !group.paused
            ? (limits?.cpuCores ?? null)
            : kind === 'cpu'
              ? 0
              : null,
        memoryBytes: kind === 'memory' ? (limits?.memoryBytes ?? null) : null,
        diskBytes: kind === 'storage' ? settings.diskQuotaBytes : null,
      },
      measured: {
        cpuCores: kind === 'cpu' ? (measured?.cpuCores ?? null) : null,
        memoryBytes: kind === 'memory' ? (measured?.memoryBytes ?? null) : null,
        diskBytes: null,
      },
    }
  }
}
