import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireDataDirLock, DataDirLockedError, prepareDataDir, type DataDirLock } from './data-dir'

const dirs: string[] = []
const locks: DataDirLock[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-datadir-'))
  dirs.push(dir)
  return dir
}
const acquire = (dir: string): DataDirLock => {
  const lock = acquireDataDirLock(dir)
  locks.push(lock)
  return lock
}
afterEach(() => {
  for (const lock of locks.splice(0)) lock.release()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A pid that no process has now (checked, not assumed). */
function deadPid(): number {
  for (let pid = 999_999; pid < 4_000_000; pid += 7919) {
    try {
      process.kill(pid, 0)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid
    }
  }
  throw new Error('found no unused pid')
}

describe('data dir lock', () => {
  it('writes our pid into node.lock', () => {
    const dir = tempDir()
    const lock = acquire(dir)
    expect(lock.path).toBe(join(dir, 'node.lock'))
    expect(readFileSync(lock.path, 'utf8')).toBe(String(process.pid))
  })

  it('refuses a second acquire in the same process with DataDirLockedError and keeps the first lock', () => {
    const dir = tempDir()
    const lock = acquire(dir)
    let error: unknown
    try {
      acquire(dir)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DataDirLockedError)
    expect((error as DataDirLockedError).pid).toBe(process.pid)
    expect((error as DataDirLockedError).dataDir).toBe(dir)
    expect((error as Error).message).toContain(String(process.pid))
    expect((error as Error).message).toContain(dir)
    expect(readFileSync(lock.path, 'utf8')).toBe(String(process.pid))
  })

  it('refuses a lock held by another live process', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'node.lock'), String(process.ppid))
    expect(() => acquire(dir)).toThrow(DataDirLockedError)
    expect(readFileSync(join(dir, 'node.lock'), 'utf8')).toBe(String(process.ppid))
  })

  it('takes over a stale lock whose pid no longer exists', () => {
    const dir = tempDir()
    const pid = deadPid()
    writeFileSync(join(dir, 'node.lock'), `${pid}\n`)
    const lock = acquire(dir)
    expect(readFileSync(lock.path, 'utf8')).toBe(String(process.pid))
  })

  it('takes over a lock file holding garbage, nothing, zero or a negative pid', () => {
    for (const content of ['garbage', '', '   ', '0', '-5', '\u0000\u0001']) {
      const dir = tempDir()
      writeFileSync(join(dir, 'node.lock'), content)
      const lock = acquire(dir)
      expect(readFileSync(lock.path, 'utf8'), JSON.stringify(content)).toBe(String(process.pid))
    }
  })

  it('release removes the lock file, is idempotent, and lets the dir be locked again', () => {
    const dir = tempDir()
    const lock = acquire(dir)
    lock.release()
    expect(existsSync(lock.path)).toBe(false)
    expect(() => lock.release()).not.toThrow()
    const again = acquire(dir)
    expect(readFileSync(again.path, 'utf8')).toBe(String(process.pid))
  })

  it('a released lock does not remove a lock taken after it', () => {
    const dir = tempDir()
    const first = acquire(dir)
    first.release()
    const second = acquire(dir)
    first.release()
    expect(existsSync(second.path)).toBe(true)
  })
})

describe('prepareDataDir', () => {
  it('creates the dir (private to the user) and returns its absolute path', () => {
    const parent = tempDir()
    const dir = prepareDataDir(join(parent, 'a', 'b'))
    expect(dir).toBe(join(parent, 'a', 'b'))
    expect(statSync(dir).isDirectory()).toBe(true)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(prepareDataDir(dir)).toBe(dir)
  })
})
