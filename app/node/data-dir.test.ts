import { describe, it, expect, afterEach, beforeAll, afterAll } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { acquireDataDirLock, DataDirLockedError, prepareDataDir, type DataDirLock } from './data-dir'

const dirs: string[] = []
const locks: DataDirLock[] = []
const children: ChildProcess[] = []
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
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const lock of locks.splice(0)) lock.release()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** data-dir.ts bundled for plain node, so that other processes can take the lock with the real code. */
let bundle: string
beforeAll(async () => {
  bundle = join(tempDir(), 'data-dir.mjs')
  dirs.pop() // kept until afterAll
  await build({
    entryPoints: [join(import.meta.dirname, 'data-dir.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  })
})
afterAll(() => rmSync(join(bundle, '..'), { recursive: true, force: true }))

/**
 * Another process that tries to take the lock on `dir` at `startAt` (ms since the epoch, so that racers
 * start together), says `locked` or `refused <name>`, and then holds whatever it got until it is killed.
 */
function starter(dir: string, startAt = 0): { child: ChildProcess; answer: Promise<string> } {
  const script = `
    const { acquireDataDirLock } = await import(${JSON.stringify(bundle)})
    while (Date.now() < ${startAt});
    let said
    try { acquireDataDirLock(${JSON.stringify(dir)}); said = 'locked' } catch (e) { said = 'refused ' + e.name }
    console.log(said)
    setInterval(() => {}, 60_000)`
  const child = spawn(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const answer = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the starter said nothing within 10 s')), 10_000)
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
    child.once('exit', () => reject(new Error('the starter exited without an answer')))
  })
  return { child, answer }
}

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode != null || child.signalCode != null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })

/** The DataDirLockedError that taking the lock on `dir` meets (a test fails if it meets none). */
function refusal(dir: string): DataDirLockedError {
  try {
    acquire(dir)
  } catch (err) {
    if (err instanceof DataDirLockedError) return err
    throw err
  }
  throw new Error(`took the lock on ${dir}, which should be held`)
}

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
  it('notes our pid beside the lock', () => {
    const dir = tempDir()
    const lock = acquire(dir)
    expect(lock.path).toBe(join(dir, 'node.lock'))
    expect(readFileSync(join(dir, 'node.pid'), 'utf8')).toBe(String(process.pid))
  })

  it('refuses a second acquire in the same process with DataDirLockedError and keeps the first lock', () => {
    const dir = tempDir()
    acquire(dir)
    const error = refusal(dir)
    expect(error.pid).toBe(process.pid)
    expect(error.dataDir).toBe(dir)
    expect(error.message).toContain(String(process.pid))
    expect(error.message).toContain(dir)
    expect(() => acquire(dir)).toThrow(DataDirLockedError)
  })

  it('refuses a starter while another process holds the lock, naming that process', async () => {
    const dir = tempDir()
    const holder = starter(dir)
    expect(await holder.answer).toBe('locked')
    expect(refusal(dir).pid).toBe(holder.child.pid)
  })

  it('a holder killed with SIGKILL leaves no lock, even when the pid it noted now names a live process', async () => {
    const dir = tempDir()
    const holder = starter(dir)
    expect(await holder.answer).toBe('locked')
    const pid = String(holder.child.pid)
    await killed(holder.child)
    // The pid is reused: whatever the dead holder wrote its pid into now names a live process.
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (readFileSync(path).toString('latin1').trim() === pid) writeFileSync(path, String(process.ppid))
    }
    const lock = acquire(dir)
    expect(readFileSync(join(dir, 'node.pid'), 'utf8')).toBe(String(process.pid))
    lock.release()
  })

  it('of eight starters racing for a lock its dead holder left, exactly one takes it', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir()
      const first = starter(dir)
      expect(await first.answer).toBe('locked')
      await killed(first.child)
      const startAt = Date.now() + 1_500
      const answers = await Promise.all(Array.from({ length: 8 }, () => starter(dir, startAt).answer))
      expect(
        answers.filter((a) => a === 'locked'),
        `round ${round}: ${answers.join(', ')}`,
      ).toHaveLength(1)
      expect(answers.filter((a) => a === 'refused DataDirLockedError')).toHaveLength(7)
      for (const child of children.splice(0)) await killed(child)
    }
  }, 60_000)

  it('takes over a lock file of an older version, holding a dead pid, garbage or nothing', () => {
    for (const content of [`${deadPid()}\n`, 'garbage', '', '   ', '0', '-5', '\u0000\u0001']) {
      const dir = tempDir()
      writeFileSync(join(dir, 'node.lock'), content)
      const lock = acquire(dir)
      expect(readFileSync(join(dir, 'node.pid'), 'utf8'), JSON.stringify(content)).toBe(String(process.pid))
      expect(() => acquireDataDirLock(dir), JSON.stringify(content)).toThrow(DataDirLockedError)
      lock.release()
    }
  })

  it('release frees the lock, removes the pid note, is idempotent, and lets the dir be locked again', () => {
    const dir = tempDir()
    const lock = acquire(dir)
    lock.release()
    expect(existsSync(join(dir, 'node.pid'))).toBe(false)
    expect(() => lock.release()).not.toThrow()
    acquire(dir)
    expect(readFileSync(join(dir, 'node.pid'), 'utf8')).toBe(String(process.pid))
  })

  it('a released lock does not free a lock taken after it', () => {
    const dir = tempDir()
    const first = acquire(dir)
    first.release()
    acquire(dir)
    first.release()
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError)
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
