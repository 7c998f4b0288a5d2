/**
 * Closes the file descriptors this process inherited by accident. Native libraries of the node (e.g.
 * node-datachannel) open descriptors without O_CLOEXEC, so every child of the node starts holding them:
 * sockets and files a job must never reach. Descriptors 0–2 are the job's pipes; those Node opened for
 * itself carry O_CLOEXEC (libuv opens everything so) and stay.
 */
import { closeSync, readdirSync, readFileSync } from 'node:fs'

/** O_CLOEXEC in the octal `flags:` line of /proc/self/fdinfo/N (Linux, every architecture Node runs on). */
const O_CLOEXEC = 0o2000000

/** The descriptors closed. Reading /proc/self/fd{,info} needs --allow-fs-read=/proc/self/fd* (both directories). */
export function closeInheritedFds(): number[] {
  const closed: number[] = []
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name)
    if (!(fd > 2)) continue
    let flags: number
    try {
      const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('flags:'))
      if (line == null) continue
      flags = parseInt(line.slice('flags:'.length).trim(), 8)
    } catch {
      continue // closed meanwhile (the descriptor readdir itself used)
    }
    if ((flags & O_CLOEXEC) !== 0) continue
    try {
      closeSync(fd)
      closed.push(fd)
    } catch {
      // Already closed.
    }
  }
  return closed
}
