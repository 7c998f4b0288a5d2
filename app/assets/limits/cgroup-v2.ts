/**
 * cgroup v2 (as root, or inside a subtree delegated to this user): CPU by cpu.max, memory by memory.max
 * (with swap off for the group, so the cap is a cap), CPU time from cpu.stat, cap hits from memory.events.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
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
const NEEDED = ['cpu', 'memory']

export class CgroupV2Limiter implements ResourceLimiter {
  readonly kind = 'cgroup-v2'
  readonly strength = 'kernel'

  private constructor(private readonly base: string) {}

  /**
   * Null unless a cgroup2 hierarchy offers the cpu and memory controllers at a place this process may
   * create groups: the mount's root as root, or `base` (a subtree systemd delegated to this user).
   */
  static detect(options: { mountsFile?: string; base?: string } = {}): CgroupV2Limiter | null {
    const candidates =
      options.base != null
        ? [options.base]
        : cgroupMounts(options.mountsFile)
            .filter((m) => m.version === 2)
            .map((m) => m.path)
    for (const base of candidates) {
      const file = join(base, 'cgroup.controllers')
      if (!existsSync(file)) continue
      const offered = readFileSync(file, 'utf8').trim().split(/\s+/)
      if (!NEEDED.every((c) => offered.includes(c))) continue
      try {
        accessSync(join(base, 'cgroup.subtree_control'), constants.W_OK)
        return new CgroupV2Limiter(base)
      } catch {
        // Not ours to change.
      }
    }
    return null
  }

  async removeOrphans(prefix: string): Promise<number> {
    return removeOrphanGroups([join(this.base, PARENT)], prefix)
  }

  async createGroup(name: string, limits: WorkLimits): Promise<LimitedGroup> {
    checkGroupName(name)
    checkWorkLimits(limits)
    const parent = join(this.base, PARENT)
    // Controllers must be enabled on every level above the group (the "no internal processes" rule means
    // the group's parent holds no processes itself: ours never does).
    await writeControl(join(this.base, 'cgroup.subtree_control'), NEEDED.map((c) => `+${c}`).join(' '))
    await makeGroupDir(parent)
    await writeControl(join(parent, 'cgroup.subtree_control'), NEEDED.map((c) => `+${c}`).join(' '))
    const dir = join(parent, name)
    await makeGroupDir(dir)
    const group = new CgroupV2Group(name, limits, dir)
    await group.update(limits)
    group.startUsage = await group.cpuMicroseconds()
    return group
  }
}

class CgroupV2Group implements LimitedGroup {
  startUsage = 0
  paused = false

  constructor(
    readonly name: string,
    public limits: WorkLimits,
    private readonly dir: string,
  ) {}

  async update(limits: WorkLimits): Promise<void> {
    checkWorkLimits(limits)
    const quota =
      limits.cpuCores == null ? 'max' : String(Math.max(1000, Math.round(limits.cpuCores * PERIOD_US)))
    await writeControl(`${this.dir}/cpu.max`, `${quota} ${PERIOD_US}`)
    await writeControl(
      `${this.dir}/memory.max`,
      limits.memoryBytes == null ? 'max' : String(limits.memoryBytes),
    )
    if (existsSync(`${this.dir}/memory.swap.max`)) await writeControl(`${this.dir}/memory.swap.max`, '0')
    this.limits = limits
  }

  async setPaused(paused: boolean): Promise<void> {
    await writeControl(`${this.dir}/cgroup.freeze`, paused ? '1' : '0')
    this.paused = paused
  }

  spawn(command: string, args: readonly string[], options?: GroupSpawnOptions): ChildProcess {
    return spawn(
      '/bin/sh',
      ['-c', enterCgroupsThenExec([`${this.dir}/cgroup.procs`]), command, ...args],
      spawnOptionsOf(options),
    )
  }

  async cpuMicroseconds(): Promise<number> {
    return (await readKeyed(`${this.dir}/cpu.stat`)).get('usage_usec') ?? 0
  }

  async usage(): Promise<GroupUsage> {
    const [cpuUs, memoryBytes, events] = await Promise.all([
      this.cpuMicroseconds(),
      readControl(`${this.dir}/memory.current`).then(Number),
      readKeyed(`${this.dir}/memory.events`),
    ])
    return {
      cpuSeconds: (cpuUs - this.startUsage) / 1e6,
      memoryBytes,
      memoryCapHits: Math.max(events.get('max') ?? 0, events.get('oom_kill') ?? 0),
    }
  }

  async close(): Promise<void> {
    if (this.paused && existsSync(this.dir)) await this.setPaused(false)
    await emptyAndRemove(this.dir)
  }
}
