/**
 * For the runtime engines' own tests (quickjs.test.ts, pyodide.test.ts): a job of source text with the
 * engine's defaults, and one run of it with its output, log and writes collected. Not used by the app.
 */
import type { JobRuntimeEngine, RuntimeExit, RuntimeJob } from '../runtime'

const utf8 = new TextEncoder()
export const START_TIME_MS = Date.UTC(2025, 0, 1)

export interface EngineRun {
  exit: RuntimeExit
  output: string
  log: string[]
  writes: number
}

export function engineHarness(
  engine: JobRuntimeEngine,
  defaults: { memoryBytes: number; timeoutMs: number },
): {
  job(code: string, overrides?: Partial<RuntimeJob>): RuntimeJob
  run(code: string, overrides?: Partial<RuntimeJob>, outputLimit?: number): Promise<EngineRun>
} {
  const job = (code: string, overrides: Partial<RuntimeJob> = {}): RuntimeJob => ({
    runtime: engine.runtime,
    code: utf8.encode(code),
    input: new Uint8Array(0),
    args: [],
    memoryBytes: defaults.memoryBytes,
    deadline: performance.now() + defaults.timeoutMs,
    grants: { clock: false, random: false },
    startTimeMs: START_TIME_MS,
    seed: new Uint8Array(32).fill(7),
    ...overrides,
  })
  const run = async (
    code: string,
    overrides: Partial<RuntimeJob> = {},
    outputLimit = Infinity,
  ): Promise<EngineRun> => {
    const chunks: Uint8Array[] = []
    const log: string[] = []
    let bytes = 0
    let writes = 0
    const exit = await engine.run(job(code, overrides), {
      write: (chunk) => {
        writes++
        if (bytes + chunk.length > outputLimit) return false
        bytes += chunk.length
        chunks.push(chunk.slice())
        return true
      },
      log: (text) => log.push(text),
    })
    return { exit, output: Buffer.concat(chunks).toString('utf8'), log, writes }
  }
  return { job, run }
}
