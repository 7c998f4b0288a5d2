/**
 * The fallback where the node may not use cgroups (no root, no systemd delegation): it supervises the
 * processes it started. Every tick it reads their CPU time and resident memory from /proc; CPU is held to
 * the limit by a budget that grows by `cpuCores` × elapsed time, with the processes stopped (SIGSTOP to
 * their process group) while the budget is spent and resumed (SIGCONT) once it is positive again. BOINC
 * does this on a one-second cycle, which users see as limits ignored; a 20 ms tick keeps the error small.
 * A process over the memory cap is killed. Supervised, not hard: a burst shorter than a tick can pass.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { sampleProcess } from './proc-stat'
import {
  checkGroupName,
  checkWorkLimits,
  type GroupUsage,
  spawnOptionsOf,
  type GroupSpawnOptions,
  type LimitedGroup,
  type ResourceLimiter,
  type WorkLimits,
} from './work-limits'

const TICK_MS = 20
/** The most CPU time the budget may bank, so that an idle spell does not allow a long burst after it. */
const MAX_BANKED_SECONDS = 0.05

export class DutyCycleLimiter implements ResourceLimiter {
  readonly kind = 'duty-cycle'
  readonly strength = 'supervised'

  /** Null where there is no /proc to measure processes by (anything but Linux). */
  static detect(): DutyCycleLimiter | null {
    return existsSync('/proc/self/stat') ? new DutyCycleLimiter() : null
  }

  /**
   * Nothing to find: its groups live only in the node process. Work left by a node that was killed keeps
   * running as ordinary processes (they have their own process groups); the node cannot tell them apart.
   */
  async removeOrphans(): Promise<number> {
    return 0
  }

  async createGroup(name: string, limits: WorkLimits): Promise<LimitedGroup> {
    checkGroupName(name)
    checkWorkLimits(limits)
    return new DutyCycleGroup(name, limits)
  }
}

interface Supervised {
  child: ChildProcess
  pid: number
  lastCpu: number
}

class DutyCycleGroup implements LimitedGroup {
  private readonly processes = new Map<number, Supervised>()
  private readonly timer: NodeJS.Timeout
  private budget = 0
  private stopped = false
  private lastTick = performance.now()
  private usedByExited = 0
  private memoryBytes = 0
  private capHits = 0
  paused = false

  constructor(
    readonly name: string,
    public limits: WorkLimits,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS)
    this.timer.unref()
  }

  async update(limits: WorkLimits): Promise<void> {
    checkWorkLimits(limits)
    this.limits = limits
  }

  spawn(command: string, args: readonly string[], options?: GroupSpawnOptions): ChildProcess {
    // Its own process group, so that one signal stops or resumes it with whatever it starts.
    const child = spawn(command, args, { ...spawnOptionsOf(options), detached: true })
    const pid = child.pid
    if (pid == null) return child
    // A new process starts stopped when the budget is spent.
    if (this.stopped) signalGroup(pid, 'SIGSTOP')
    const entry: Supervised = { child, pid, lastCpu: 0 }
    this.processes.set(pid, entry)
    child.once('exit', () => {
      this.usedByExited += entry.lastCpu
      this.processes.delete(pid)
    })
    return child
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused
    if (paused) this.pause()
    else this.tick()
  }

  async usage(): Promise<GroupUsage> {
    let cpu = this.usedByExited
    for (const entry of this.processes.values()) cpu += entry.lastCpu
    return { cpuSeconds: cpu, memoryBytes: this.memoryBytes, memoryCapHits: this.capHits }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    const exits = [...this.processes.values()].map(
      ({ child, pid }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode != null || child.signalCode != null) return resolve()
          child.once('exit', () => resolve())
          signalGroup(pid, 'SIGKILL')
        }),
    )
    await Promise.all(exits)
  }

  private tick(): void {
    const now = performance.now()
    const elapsed = (now - this.lastTick) / 1000
    this.lastTick = now
    let used = 0
    let resident = 0
    for (const entry of this.processes.values()) {
      const sample = sampleProcess(entry.pid)
      if (sample == null) continue
      used += sample.cpuSeconds - entry.lastCpu
      entry.lastCpu = sample.cpuSeconds
      resident += sample.residentBytes
    }
    this.memoryBytes = resident
    const { cpuCores, memoryBytes } = this.limits
    if (memoryBytes != null && resident > memoryBytes) this.killForMemory()
    if (this.paused) return this.pause()
    if (cpuCores == null) {
      this.budget = 0
      return this.resume()
    }
    this.budget = Math.min(MAX_BANKED_SECONDS, this.budget + cpuCores * elapsed - used)
    if (this.budget < 0) this.pause()
    else this.resume()
  }

  private killForMemory(): void {
    // Which process grew is not known from one sample; all of the group's work goes, as a cgroup OOM would.
    this.capHits++
    for (const { pid } of this.processes.values()) signalGroup(pid, 'SIGKILL')
  }

  private pause(): void {
    if (this.stopped) return
    this.stopped = true
    for (const { pid } of this.processes.values()) signalGroup(pid, 'SIGSTOP')
  }

  private resume(): void {
    if (!this.stopped) return
    this.stopped = false
    for (const { pid } of this.processes.values()) signalGroup(pid, 'SIGCONT')
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The process group is gone.
  }
}
