/**
 * What a runtime sees inside the sandbox process (app/jobs/sandbox/runner/): one job's code, input and
 * grants, and where its output goes. Each runtime (WebAssembly with WASI, JavaScript in QuickJS, Python in
 * Pyodide) is one implementation of {@link JobRuntimeEngine}; the process around it (limited group, no
 * network, no file system, empty environment) is the runner's, so a runtime only has to give the code no
 * more than this interface and end it at its limits.
 */
import type { JobRuntime } from '../../../shared/jobs-schemas'

export interface RuntimeJob {
  runtime: JobRuntime
  code: Uint8Array
  input: Uint8Array
  args: readonly string[]
  /** Heap or linear memory the code may hold, in bytes (the process's cgroup cap is set above it). */
  memoryBytes: number
  /** When the run must end, as a `performance.now()` deadline of the runner process. */
  deadline: number
  /**
   * Without `clock`, the clock the code reads is virtual: it starts at `startTimeMs` and moves only as the
   * code reads it (1 ms a read), so every provider computes the same output. Without `random`, randomness
   * comes from a generator seeded with `seed` (32 bytes, from the job's id and input).
   */
  grants: { clock: boolean; random: boolean }
  startTimeMs: number
  seed: Uint8Array
}

/** Where the code's output and log go. The runner bounds both; `write` returns false once output is cut. */
export interface RuntimeIo {
  /** The job's output (WASI stdout, `print` in JavaScript and Python). */
  write(bytes: Uint8Array): boolean
  /** The job's log (stderr): kept to its last lines, never part of the output hash. */
  log(text: string): void
}

/**
 * How the code ended, as far as the runtime can tell; the runner adds what only the process can know (the
 * wall clock and memory cap held by the group, a kill).
 */
export type RuntimeExit =
  | { kind: 'exit'; code: number }
  | { kind: 'error'; message: string }
  | { kind: 'timeout' }
  | { kind: 'memory'; message: string }

export interface JobRuntimeEngine {
  readonly runtime: JobRuntime
  /** Loads the engine (compiles WebAssembly, boots Python) before the job's code is given to it. */
  prepare(): Promise<void>
  run(job: RuntimeJob, io: RuntimeIo): Promise<RuntimeExit>
}
