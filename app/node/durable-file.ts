/**
 * Writes a file so that a crash or a power cut leaves either the old file or the new one, whole: the
 * bytes go to a temporary file of their own, which is flushed to the disk (fsync) before it takes the
 * file's name, and the directory is flushed after, so that the new name is on the disk too. A rename
 * alone is atomic but not durable: after a power cut the file may be empty, or the rename gone.
 */
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'

export interface DurableWriteOptions {
  /** The file's permissions (0o600 by default: what this node writes is its own). */
  mode?: number
  /** Refuse (EEXIST) if the file exists, atomically: a second writer never replaces the first's file. */
  noReplace?: boolean
}

export function writeFileDurably(
  path: string,
  data: string | Uint8Array,
  options: DurableWriteOptions = {},
): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', options.mode ?? 0o600)
  try {
    try {
      // writeSync may write less than asked (a full disk, a signal): what is left is written in turn.
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let written = 0; written < bytes.length;)
        written += writeSync(fd, bytes, written, bytes.length - written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    // A hard link fails if the name is taken; a rename replaces whatever has it.
    if (options.noReplace === true) linkSync(temporary, path)
    else renameSync(temporary, path)
  } finally {
    rmSync(temporary, { force: true })
  }
  syncDirectory(dirname(path))
}

/** Flushes a directory's entries (a new or renamed name in it) to the disk. */
export function syncDirectory(dir: string): void {
  // Windows cannot open a directory to flush it; NTFS journals its renames itself.
  if (process.platform === 'win32') return
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
