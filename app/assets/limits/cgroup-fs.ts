/** What cgroup v1 and v2 share: finding their mounts, writing control files, emptying a group. */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { LimitError } from './work-limits'

export interface CgroupMount {
  path: string
  /** cgroup2, or the v1 controllers mounted there (e.g. ['cpu', 'cpuacct']). */
  version: 1 | 2
  controllers: string[]
}

const V1_CONTROLLERS = new Set(['cpu', 'cpuacct', 'memory', 'cpuset', 'pids', 'blkio', 'devices', 'freezer'])

/** cgroup mounts as /proc/self/mounts lists them (empty where there is no /proc, as on macOS). */
export function cgroupMounts(mountsFile = '/proc/self/mounts'): CgroupMount[] {
  if (!existsSync(mountsFile)) return []
  const mounts: CgroupMount[] = []
  for (const line of readFileSync(mountsFile, 'utf8').split('\n')) {
    const [, path, type, options] = line.split(' ')
    if (path == null || options == null) continue
    if (type === 'cgroup2') mounts.push({ path, version: 2, controllers: [] })
    else if (type === 'cgroup')
      mounts.push({ path, version: 1, controllers: options.split(',').filter((o) => V1_CONTROLLERS.has(o)) })
  }
  return mounts
}

export async function writeControl(file: string, value: string): Promise<void> {
  try {
    await writeFile(file, value)
  } catch (err) {
    throw new LimitError(`could not write "${value}" to ${file}: ${(err as Error).message}`, { cause: err })
  }
}

export const readControl = async (file: string): Promise<string> => (await readFile(file, 'utf8')).trim()

export async function makeGroupDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    throw new LimitError(`could not create the cgroup ${dir}: ${(err as Error).message}`, { cause: err })
  }
}

/** Kills every process in the group, waits until it is empty, and removes it. */
export async function emptyAndRemove(dir: string): Promise<void> {
  if (!existsSync(dir)) return
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = (await readControl(`${dir}/cgroup.procs`)).split('\n').filter(Boolean).map(Number)
    if (pids.length === 0) break
    for (const pid of pids)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    await sleep(20)
  }
  try {
    await rmdir(dir)
  } catch (err) {
    throw new LimitError(`could not remove the cgroup ${dir}: ${(err as Error).message}`, { cause: err })
  }
}

/** The keyed values of a file such as cpu.stat or memory.events ("key value" per line). */
export async function readKeyed(file: string): Promise<Map<string, number>> {
  const values = new Map<string, number>()
  for (const line of (await readControl(file)).split('\n')) {
    const [key, value] = line.split(' ')
    if (key != null && value != null) values.set(key, Number(value))
  }
  return values
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes groups named `<prefix><pid>` (or `<prefix><pid>-<n>`) whose node process is gone (it was killed before it could clean
 * up), with any work left in them. Returns how many were removed.
 */
export async function removeOrphanGroups(parents: readonly string[], prefix: string): Promise<number> {
  // A v1 group is one directory per hierarchy: count it once.
  const removed = new Set<string>()
  for (const parent of parents) {
    if (!existsSync(parent)) continue
    for (const name of await readdir(parent)) {
      // `<prefix><pid>` or `<prefix><pid>-<n>` (several nodes in one process).
      const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length).split('-')[0]) : NaN
      if (!Number.isSafeInteger(pid) || processExists(pid)) continue
      await emptyAndRemove(`${parent}/${name}`)
      removed.add(name)
    }
  }
  return removed.size
}
