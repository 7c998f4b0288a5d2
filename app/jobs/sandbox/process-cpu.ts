/**
 * A sandbox process's own CPU time, read by the node from /proc/<pid>/stat (utime + stime, all its
 * threads), never reported by the process itself: the job's code runs in that process, so whatever it
 * says about itself could be forged. The group's usage cannot serve alone either: concurrent jobs share it.
 */
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc times: USER_HZ is 100 on every Linux architecture Node runs on. */
const USER_HZ = 100

/** CPU milliseconds of `pid`, or null once it is gone (or this is not Linux). */
export function processCpuMillis(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ
  } catch {
    return null
  }
}

/**
 * Samples a process's CPU time every `everyMs` while it lives: the last sample before it ends is what it
 * used (to within one interval when it is killed; exactly, when the node samples after its result while it
 * waits idle to be let go).
 */
export class CpuMeter {
  private last = 0
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly pid: number,
    everyMs: number,
    onTick: () => void,
  ) {
    this.timer = setInterval(() => {
      this.sample()
      onTick()
    }, everyMs)
  }

  /** Reads now; returns the CPU milliseconds so far. */
  sample(): number {
    const now = processCpuMillis(this.pid)
    if (now != null) this.last = Math.max(this.last, now)
    return this.last
  }

  get millis(): number {
    return this.last
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
