/**
 * cgroup v2 for a desktop user without root, through systemd: `systemd-run --user --scope -p Delegate=yes`
 * asks the user's service manager for a scope whose cgroup subtree is this user's to manage; inside it the
 * cgroup v2 limiter works as it does as root (cpu.max, memory.max, freeze). systemd 252 and later delegate
 * the cpu and memory controllers to users' managers; older ones give pids and memory only, and then the
 * scope is refused with that reason.
 *
 * The scope lives as long as a keeper process in it: `tail --pid=<node> -f /dev/null`, which ends with the
 * node, so a node that dies leaves no scope behind once its work has ended too.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cgroupMounts } from './cgroup-fs'
import { CgroupV2Limiter } from './cgroup-v2'
import type { LimitedGroup, ResourceLimiter, WorkLimits } from './work-limits'

export interface DelegationOptions {
  /** The systemd-run binary (tests pass a stand-in). */
  systemdRun?: string
  /** Where cgroup2 is mounted; default: from `mountsFile`. */
  unifiedMount?: string
  mountsFile?: string
  timeoutMs?: number
  /** The user id to act as (tests); default: this process's. */
  uid?: number
}

export class SystemdRunLimiter implements ResourceLimiter {
  readonly kind = 'systemd-run'
  readonly strength = 'kernel'

  private constructor(
    private readonly inner: CgroupV2Limiter,
    private readonly keeper: ChildProcess,
    /** The delegated scope's cgroup directory. */
    readonly base: string,
  ) {}

  /** A delegated scope with cpu and memory, or why there is none (in words for the UI). */
  static async delegate(options: DelegationOptions = {}): Promise<SystemdRunLimiter | { reason: string }> {
    if ((options.uid ?? process.getuid?.()) === 0) return { reason: 'as root, cgroups are used directly' }
    const unified =
      options.unifiedMount ?? cgroupMounts(options.mountsFile).find((m) => m.version === 2)?.path
    if (unified == null) return { reason: 'there is no cgroup v2 hierarchy to delegate from' }
    const unit = `hypermesh-${process.pid}`
    const keeper = spawn(
      options.systemdRun ?? 'systemd-run',
      ['--user', '--scope', '--quiet', '--collect', '-p', 'Delegate=yes', `--unit=${unit}`, '--'].concat([
        'tail',
        `--pid=${process.pid}`,
        '-f',
        '/dev/null',
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    keeper.unref()
    let stderr = ''
    keeper.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    // The pipe is a socket: it must not keep the node's event loop alive either.
    ;(keeper.stderr as unknown as { unref?: () => void } | null)?.unref?.()
    const failed = (why: string): { reason: string } => {
      keeper.kill()
      return { reason: why }
    }
    const path = await scopePathOf(keeper, `${unit}.scope`, options.timeoutMs ?? 5_000)
    if (path == null) {
      const said = stderr.trim().split('\n')[0]
      return failed(`systemd-run --user gave no scope${said != null && said !== '' ? `: ${said}` : ''}`)
    }
    const base = join(unified, path)
    try {
      // A cgroup with controllers for its children holds no processes itself: the keeper moves to a leaf.
      await mkdir(join(base, 'keeper'), { recursive: true })
      await writeFile(join(base, 'keeper', 'cgroup.procs'), String(keeper.pid))
    } catch (err) {
      return failed(`the delegated scope could not be arranged: ${(err as Error).message}`)
    }
    const inner = CgroupV2Limiter.detect({ base })
    if (inner == null)
      return failed(
        'systemd delegated a scope without the cpu and memory controllers (systemd 252 or later delegates them to users)',
      )
    return new SystemdRunLimiter(inner, keeper, base)
  }

  createGroup(name: string, limits: WorkLimits): Promise<LimitedGroup> {
    return this.inner.createGroup(name, limits)
  }

  removeOrphans(prefix: string): Promise<number> {
    return this.inner.removeOrphans(prefix)
  }

  /** Ends the scope (its groups must be closed first). */
  release(): void {
    this.keeper.kill()
  }
}

/** Waits for `keeper` to run inside `scope`; its path in the cgroup2 tree, or null if it never does. */
async function scopePathOf(keeper: ChildProcess, scope: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (keeper.exitCode != null || keeper.signalCode != null || keeper.pid == null) return null
    const file = `/proc/${keeper.pid}/cgroup`
    if (existsSync(file)) {
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('0::'))
      const path = line?.slice(3)
      if (path?.endsWith(`/${scope}`) === true) return path
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return null
}
