/**
 * Limits on work that runs for other peers (leased work), enforced by the operating system where it can
 * be. One interface, several implementations (cgroup v2, cgroup v1, systemd-run delegation, and a
 * supervising duty cycle where none of those exist); all pass the same compliance suite
 * (test/support/limiter-compliance.ts).
 */
import type { ChildProcess, StdioOptions } from 'node:child_process'

export interface WorkLimits {
  /** CPU time allowed per second of wall time, in cores (0.25 = a quarter of one core); null: no limit. */
  cpuCores: number | null
  /** The most memory the group's processes may hold together, in bytes; null: no limit. */
  memoryBytes: number | null
}

export interface GroupUsage {
  /** CPU time the group's processes have used since the group was made. */
  cpuSeconds: number
  /** Memory they hold now. */
  memoryBytes: number
  /** Times the memory cap refused an allocation or killed a process for it. */
  memoryCapHits: number
}

/** How a process in a group is started; by default with no stdio and the node's own env and cwd. */
export interface GroupSpawnOptions {
  /** As child_process.spawn's; default 'ignore' (a job's pipes are asked for explicitly). */
  stdio?: StdioOptions
  /** The whole environment of the process (not merged with the node's); default the node's. */
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** A set of processes under one set of limits. */
export interface LimitedGroup {
  readonly name: string
  readonly limits: WorkLimits
  /** Changes the limits of the running processes (a slider moved while work runs). */
  update(limits: WorkLimits): Promise<void>
  /** Stops every process of the group where it is (paused sharing), or lets them go on. */
  setPaused(paused: boolean): Promise<void>
  readonly paused: boolean
  /** Starts a process inside the group, limited from its first instruction. */
  spawn(command: string, args: readonly string[], options?: GroupSpawnOptions): ChildProcess
  usage(): Promise<GroupUsage>
  /** Kills what still runs in the group and removes it. */
  close(): Promise<void>
}

export type LimiterKind = 'cgroup-v2' | 'cgroup-v1' | 'systemd-run' | 'duty-cycle'

export interface ResourceLimiter {
  readonly kind: LimiterKind
  /**
   * kernel: the kernel enforces the limits (a process cannot exceed them). supervised: the node measures
   * and stops or kills processes that exceed them, so a short burst can pass before it acts.
   */
  readonly strength: 'kernel' | 'supervised'
  createGroup(name: string, limits: WorkLimits): Promise<LimitedGroup>
  /**
   * Removes groups named `<prefix><pid>` left by node processes that are gone, with their work. Limiters
   * whose groups end with the node process have nothing to do.
   */
  removeOrphans(prefix: string): Promise<number>
  /** Gives back what the limiter holds for the node itself (a delegated scope), after its groups closed. */
  release?(): void
}

export class LimitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LimitError'
  }
}

/** Refuses limits no implementation could honour: what to change is in the message. */
export function checkWorkLimits(limits: WorkLimits): void {
  const { cpuCores, memoryBytes } = limits
  if (cpuCores != null && !(Number.isFinite(cpuCores) && cpuCores >= 0.01 && cpuCores <= 1024))
    throw new LimitError(`a CPU limit is between 0.01 and 1024 cores, not ${cpuCores}`)
  if (memoryBytes != null && !(Number.isSafeInteger(memoryBytes) && memoryBytes >= 4 * 1024 * 1024))
    throw new LimitError(`a memory limit is a whole number of bytes, at least 4 MiB, not ${memoryBytes}`)
}

/** Group names become directory and unit names: letters, digits and dashes only. */
export function checkGroupName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
    throw new LimitError(`a group name is 1–63 lowercase letters, digits or dashes, not "${name}"`)
}

/**
 * The wrapper that moves a process into cgroups before it runs anything: the shell writes its own pid to
 * each `cgroup.procs` file, then execs the command in place (same pid), so no instruction runs unlimited.
 */
export function enterCgroupsThenExec(procsFiles: readonly string[]): string {
  return [...procsFiles.map((file) => `echo $$ > '${file}'`), 'exec "$0" "$@"'].join(' && ')
}

/** child_process.spawn's options for `options`, with stdio 'ignore' unless asked otherwise. */
export function spawnOptionsOf(options: GroupSpawnOptions = {}): {
  stdio: StdioOptions
  env?: NodeJS.ProcessEnv
  cwd?: string
} {
  return {
    stdio: options.stdio ?? 'ignore',
    ...(options.env != null ? { env: options.env } : {}),
    ...(options.cwd != null ? { cwd: options.cwd } : {}),
  }
}
