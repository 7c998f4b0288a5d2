/** CPU time and resident memory of one process, from Linux's /proc/<pid>/stat and /proc/<pid>/statm. */
import { readFileSync } from 'node:fs'

/** Clock ticks per second for /proc times: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100
const PAGE_BYTES = 4096

export interface ProcessSample {
  /** utime + stime, and the same for children it has waited for (cutime + cstime). */
  cpuSeconds: number
  residentBytes: number
}

/** Null when the process is gone (or this is not Linux). */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
    return { cpuSeconds: ticks / USER_HZ, residentBytes: Number(statm[1]) * PAGE_BYTES }
  } catch {
    return null
  }
}
