/**
 * The data dir and its lock. One node per data dir: a second process is refused with a clear message,
 * and a lock left behind by a crashed process (its pid is gone) is taken over instead of blocking start.
 */
import { mkdirSync, openSync, writeSync, closeSync, readFileSync, unlinkSync, constants } from 'node:fs'
import { join, resolve } from 'node:path'

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another HyperMesh node (pid ${pid}) is using ${dataDir}; stop it or choose another --data-dir`)
    this.name = 'DataDirLockedError'
  }
}

export interface DataDirLock {
  readonly path: string
  release(): void
}

export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, 'node.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return {
        path,
        release() {
          if (released) return
          released = true
          try {
            unlinkSync(path)
          } catch {
            /* already gone */
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) {
        throw new DataDirLockedError(dataDir, pid)
      }
      // Stale: the process that held it is gone (or the file is garbage). Take it over once.
      unlinkSync(path)
    }
  }
  throw new Error(`could not take the lock ${path}`)
}
