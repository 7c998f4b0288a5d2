/**
 * The data dir and its lock. One node per data dir: a second process is refused with a clear message.
 *
 * The lock is an OS file lock, not a pid written into a file: a pid outlives its process and may be
 * reused by another one, and two starters that both judge a pid file stale can both take it. The OS
 * drops a file lock the moment its process ends, however it ends, and grants it to one process at a time.
 *
 * Node has no flock/fcntl of its own, and the npm packages that add one are native addons (fs-ext,
 * os-lock), which would need building for Electron on every platform; proper-lockfile is not an OS lock
 * (mkdir plus a staleness timer). SQLite, which Node ships (node:sqlite, the node's own database),
 * takes real OS locks: fcntl byte-range locks on Linux and macOS, LockFileEx on Windows. So `node.lock`
 * is a small SQLite file held with an exclusive lock for as long as the node runs. The holder's pid is
 * kept beside it in `node.pid`, for the message a second starter shows: it is a note, never the lock.
 * The lock file itself is never read or deleted by this process while it holds it: closing any other
 * descriptor of the file would drop a POSIX lock, and deleting it would let a racer lock a new file.
 */
import { mkdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    /** The holder's pid as it noted it; null when it has not yet (or could not be read). */
    readonly pid: number | null,
  ) {
    super(
      `another HyperMesh node (${pid == null ? 'pid unknown' : `pid ${pid}`}) is using ${dataDir}; stop it or choose another --data-dir`,
    )
    this.name = 'DataDirLockedError'
  }
}

export interface DataDirLock {
  readonly path: string
  release(): void
}

export const LOCK_FILE = 'node.lock'
export const PID_FILE = 'node.pid'

export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
}

/** SQLite's answer when another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED). */
const isBusy = (err: unknown): boolean => [5, 6].includes((err as { errcode?: number }).errcode ?? 0)
/** SQLite's answer for a file that is not a database (SQLITE_NOTADB): a pid file of an older version. */
const isNotADatabase = (err: unknown): boolean => (err as { errcode?: number }).errcode === 26

function readPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Takes the exclusive lock on `path`, or throws SQLite's error (busy: another process holds it). */
function lockFile(path: string): DatabaseSync {
  // timeout 0: a held lock is an answer now, not something to wait for.
  const db = new DatabaseSync(path, { timeout: 0 })
  try {
    // In exclusive locking mode SQLite keeps the lock it takes until the connection closes. Nothing is
    // ever written, so no journal is kept either.
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    db.exec('PRAGMA journal_mode = OFF')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('COMMIT')
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * The connections that hold locks. A DatabaseSync that is garbage collected closes, and closing it drops
 * the lock: a caller that let go of its DataDirLock object would lose the lock at some random moment.
 */
const held = new Set<DatabaseSync>()

/**
 * lockFile, tried again for a moment while it meets SQLITE_BUSY. Starters racing for a free lock can all
 * meet it: each takes SQLite's shared lock on the way to the exclusive one, and with no busy timeout each
 * sees the others' and gives up, so none would win. Each gives back what it took when it fails, so after
 * a random pause one of them gets through; a lock that a live node holds stays busy throughout.
 */
function lockFileRacing(path: string): DatabaseSync {
  for (let attempt = 1; ; attempt++) {
    try {
      return lockFile(path)
    } catch (err) {
      if (!isBusy(err) || attempt === LOCK_ATTEMPTS) throw err
      Atomics.wait(PAUSE, 0, 0, 2 + Math.random() * 18)
    }
  }
}
const LOCK_ATTEMPTS = 25
const PAUSE = new Int32Array(new SharedArrayBuffer(4))

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  let db: DatabaseSync
  try {
    db = lockFileRacing(path)
  } catch (err) {
    if (isBusy(err)) throw new DataDirLockedError(dataDir, readPid(dataDir))
    if (!isNotADatabase(err)) throw err
    // A pid file left by a version before this one (or garbage). Nothing in it can be trusted, and no
    // process holds an OS lock on it: empty it in place (the same file, so racing starters still meet on
    // one lock) and lock it. A starter that meets the lock already taken gets SQLITE_BUSY above.
    truncateSync(path, 0)
    try {
      db = lockFileRacing(path)
    } catch (again) {
      if (isBusy(again)) throw new DataDirLockedError(dataDir, readPid(dataDir))
      throw again
    }
  }
  held.add(db)
  writeFileSync(join(dataDir, PID_FILE), String(process.pid), { mode: 0o600 })
  let released = false
  return {
    path,
    release() {
      if (released) return
      released = true
      // The note goes first, while the lock still keeps every other starter out.
      if (readPid(dataDir) === process.pid) unlinkSync(join(dataDir, PID_FILE))
      db.close()
      held.delete(db)
    },
  }
}
