/** How the provider side runs one job: in the sandbox process (../sandbox), inside the leased-work group. */
import type { JobLimits, JobSpec } from '../../consensus'
import type { RunStatus } from '../../../shared/jobs-schemas'
import type { WorkGroup } from '../ports'

export interface SandboxRun {
  runtime: JobSpec['runtime']
  code: Uint8Array
  input: Uint8Array
  args: readonly string[]
  limits: JobLimits
  grants: JobSpec['grants']
  /** Where the virtual clock starts: the spec's `createdAt`, the same on every provider. */
  startTimeMs: number
  /** Seeds the job's randomness: from its id and input, the same on every provider. */
  seed: Uint8Array
}

export interface SandboxOutcome {
  status: RunStatus
  /** The output, cut at the limit when status is `output-limit`. */
  output: Uint8Array
  outputHash: string
  /** CPU time of the job's process, measured by this node. */
  cpuMillis: number
  wallMs: number
  /** The last of its stderr. */
  log: string
  /** What went wrong, in words, when status is not `ok`. */
  error?: string
}

export type RunJob = (
  run: SandboxRun,
  group: WorkGroup,
  options: { signal: AbortSignal; onLog(text: string): void },
) => Promise<SandboxOutcome>

export interface JobEngine {
  run: RunJob
  /** Null when this node can run `runtime`; else why not, in words. */
  refusalFor(runtime: JobSpec['runtime']): string | null
}
