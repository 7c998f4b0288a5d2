/**
 * cgroup v1 (as root, where the cpu and memory hierarchies are mounted separately): CPU by the CFS
 * bandwidth quota (cpu.cfs_quota_us per cpu.cfs_period_us), memory by memory.limit_in_bytes, CPU time from
 * cpuacct.usage, pausing by the freezer.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  cgroupMounts,
  emptyAndRemove,
  makeGroupDir,
  readControl,
  readKeyed,
  removeOrphanGroups,
  writeControl,
} from './cgroup-fs'
import {
  checkGroupName,
  checkWorkLimits,
  enterCgroupsThenExec,
  type GroupUsage,
  spawnOptionsOf,
  type GroupSpawnOptions,
  type LimitedGroup,
  type ResourceLimiter,
  type WorkLimits,
} from './work-limits'

const PERIOD_US = 100_000
const PARENT = 'hypermesh'

export class CgroupV1Limiter implements ResourceLimiter {
  readonly kind = 'cgroup-v1'
  readonly strength = 'kernel'

  private constructor(
    private readonly roots: { cpu: string; cpuacct: string; memory: string; freezer: string },
  ) {}

  /** Null unless the cpu, cpuacct and memory v1 hierarchies are mounted and writable by this process. */
  static detect(mountsFile?: string): CgroupV1Limiter | null {
    const mounts = cgroupMounts(mountsFile).filter((m) => m.version === 1)
    const find = (controller: string): string | undefined =>
      mounts.find((m) => m.controllers.includes(controller))?.path
    const [cpu, cpuacct, memory, freezer] = [find('cpu'), find('cpuacct'), find('memory'), find('freezer')]
    if (cpu == null || cpuacct == null || memory == null || freezer == null) return null
    if (process.getuid?.() !== 0) return null
    return new CgroupV1Limiter({ cpu, cpuacct, memory, freezer })
  }

  async removeOrphans(prefix: string): Promise<number> {
    return removeOrphanGroups(
      [...new Set(Object.values(this.roots))].map((root) => join(root, PARENT)),
      prefix,
    )
  }

  async createGroup(name: string, limits: WorkLimits): Promise<LimitedGroup> {
    checkGroupName(name)
    checkWorkLimits(limits)
    const dirs = [...new Set(Object.values(this.roots))].map((root) => join(root, PARENT, name))
    for (const dir of dirs) await makeGroupDir(dir)
    const group = new CgroupV1Group(name, limits, {
      cpu: join(this.roots.cpu, PARENT, name),
      cpuacct: join(this.roots.cpuacct, PARENT, name),
      memory: join(this.roots.memory, PARENT, name),
      freezer: join(this.roots.freezer, PARENT, name),
      all: dirs,
    })
    await group.update(limits)
    group.startUsage = await group.cpuNanoseconds()
    return group
  }
}

class CgroupV1Group implements LimitedGroup {
  startUsage = 0
  paused = false

  constructor(
    readonly name: string,
    public limits: WorkLimits,
    private readonly dirs: { cpu: string; cpuacct: string; memory: string; freezer: string; all: string[] },
  ) {}

  async update(limits: WorkLimits): Promise<void> {
    checkWorkLimits(limits)
    const { cpu, memory } = this.dirs
    await writeControl(`${cpu}/cpu.cfs_period_us`, String(PERIOD_US))
    const quota = limits.cpuCores == null ? -1 : Math.max(1000, Math.round(limits.cpuCores * PERIOD_US))
    await writeControl(`${cpu}/cpu.cfs_quota_us`, String(quota))
    // With swap, the v1 memory limit alone only moves pages out; memsw caps memory and swap together. It
    // must stay at or above the memory limit, so the order of the two writes depends on the direction.
    const bytes = String(limits.memoryBytes ?? -1)
    const memsw = `${memory}/memory.memsw.limit_in_bytes`
    const hasMemsw = existsSync(memsw)
    const raising = limits.memoryBytes == null || (this.limits.memoryBytes ?? Infinity) < limits.memoryBytes
    if (hasMemsw && raising) await writeControl(memsw, bytes)
    await writeControl(`${memory}/memory.limit_in_bytes`, bytes)
    if (hasMemsw && !raising) await writeControl(memsw, bytes)
    this.limits = limits
  }

  async setPaused(paused: boolean): Promise<void> {
    await writeControl(`${this.dirs.freezer}/freezer.state`, paused ? 'FROZEN' : 'THAWED')
    this.paused = paused
  }

  spawn(command: string, args: readonly string[], options?: GroupSpawnOptions): ChildProcess {
    const procs = this.dirs.all.map((dir) => `${dir}/cgroup.procs`)
    return spawn('/bin/sh', ['-c', enterCgroupsThenExec(procs), command, ...args], spawnOptionsOf(options))
  }

  async cpuNanoseconds(): Promise<number> {
    return Number(await readControl(`${this.dirs.cpuacct}/cpuacct.usage`))
  }

  async usage(): Promise<GroupUsage> {
    const { memory } = this.dirs
    const [cpuNs, memoryBytes, failures, oom] = await Promise.all([
      this.cpuNanoseconds(),
      readControl(`${memory}/memory.usage_in_bytes`).then(Number),
      readControl(`${memory}/memory.failcnt`).then(Number),
      readKeyed(`${memory}/memory.oom_control`),
    ])
    return {
      cpuSeconds: (cpuNs - this.startUsage) / 1e9,
      memoryBytes,
      memoryCapHits: Math.max(failures, oom.get('oom_kill') ?? 0),
    }
  }

  async close(): Promise<void> {
    // A frozen process cannot act on SIGKILL until it is thawed.
    if (this.paused && existsSync(this.dirs.freezer)) await this.setPaused(false)
    for (const dir of this.dirs.all) await emptyAndRemove(dir)
  }
}
