/** Words and units for the jobs view. Pure functions; the tests pin their output. */
import { formatCaesar, type JobSummary } from '../../../shared/api'

/** A job's state as its badge says it: "placing", "running on 2", "verifying", "done"… */
export function jobStateLabel(job: Pick<JobSummary, 'state' | 'providers'>): string {
  if (job.state !== 'running') return job.state
  const running = job.providers.filter((p) => p.state === 'running' || p.state === 'sending').length
  return `running on ${running}`
}

/** An amount of units as CAESAR, or "—" while it is not known. */
export const caesarText = (units: string | null): string =>
  units == null ? '—' : `${formatCaesar(units)} CAESAR`

/** CPU time: "83 ms", "1.25 s", "2m 05s". */
export function formatCpuTime(ms: number | null): string {
  if (ms == null) return '—'
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
}

/** A CPU share: "1 core", "0.25 cores". */
export const formatCores = (millicores: number): string =>
  millicores === 1000 ? '1 core' : `${millicores / 1000} cores`
