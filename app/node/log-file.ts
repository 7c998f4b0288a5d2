/**
 * The node's log file, bounded in size: a peer that gets many messages refused, or anything else that
 * logs a lot, must not fill the disk (issue 17). Lines are written synchronously, as before, so a crash
 * does not lose the lines that explain it. When the next line would take the file past `maxBytes`, the
 * file becomes `node.log.1` (and `.1` becomes `.2`, up to `keep` old files; the oldest is dropped) and a
 * new file is begun. At most (keep + 1) · maxBytes, plus one line, is ever on disk.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs'

export const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024
export const LOG_FILES_KEPT = 3

export class RotatingLogFile {
  private fd: number
  private size: number

  constructor(
    readonly path: string,
    readonly maxBytes = LOG_FILE_MAX_BYTES,
    readonly keep = LOG_FILES_KEPT,
  ) {
    this.fd = openSync(path, 'a', 0o600)
    this.size = fstatSync(this.fd).size
  }

  /** A pino destination: one or more whole lines. */
  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk)
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate()
    writeSync(this.fd, chunk)
    this.size += bytes
    return true
  }

  /** The files that hold the log now, newest first. */
  files(): string[] {
    const all = [this.path]
    for (let i = 1; i <= this.keep; i++) if (existsSync(`${this.path}.${i}`)) all.push(`${this.path}.${i}`)
    return all
  }

  private rotate(): void {
    closeSync(this.fd)
    for (let i = this.keep; i >= 1; i--) {
      const from = i === 1 ? this.path : `${this.path}.${i - 1}`
      // Renaming onto the last kept name replaces it: the oldest lines go.
      if (existsSync(from)) renameSync(from, `${this.path}.${i}`)
    }
    this.fd = openSync(this.path, 'a', 0o600)
    this.size = 0
  }
}
