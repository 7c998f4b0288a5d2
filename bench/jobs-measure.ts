/**
 * The measurements behind `npm run bench:jobs` (bench/jobs.ts): the jobs it runs (the catalog's prime
 * sieves, app/jobs/examples), and one function per way of running them, each returning its times in ms.
 * Every run's output is hashed and checked against the expected primes; a wrong output throws, so a broken
 * run is never measured.
 */
import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WASI } from 'node:wasi'
import { jobExamples } from '../app/jobs/examples/catalog'
import { primesOutput } from '../app/jobs/examples/scripts'
import { runInSandbox, type SandboxJob, type SandboxResult } from '../app/jobs/sandbox/process-sandbox'
import { engineFor } from '../app/jobs/sandbox/runner/engines'
import type { RuntimeIo, RuntimeJob } from '../app/jobs/sandbox/runtime'
import type { WorkGroup } from '../app/jobs/ports'
import { WebAssemblyApi, type WasmImports } from '../app/jobs/sandbox/runtimes/webassembly-api'
import type { JobRuntime } from '../shared/jobs-schemas'

export type CpuRuntime = Exclude<JobRuntime, 'wgsl'>
const MiB = 1024 * 1024
const START_TIME_MS = 1_700_000_000_000

export interface Stats {
  runs: number
  medianMs: number
  p95Ms: number
  minMs: number
}

export function stats(times: readonly number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  const mid = sorted.length / 2
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { runs: sorted.length, medianMs: median, p95Ms: at(0.95), minMs: sorted[0]! }
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex')
const expected = new Map<number, string>()
/** The hash of the primes below `limit` (by trial division, app/jobs/examples/scripts.ts), cached. */
function expectedHash(limit: number): string {
  let hash = expected.get(limit)
  if (hash == null) expected.set(limit, (hash = sha256(primesOutput(limit))))
  return hash
}

/** Throws unless `output` is the primes below `limit`: the bench must not time a broken run. */
export function checkOutput(what: string, limit: number, output: Uint8Array | string): void {
  const hash = sha256(output)
  if (hash !== expectedHash(limit))
    throw new Error(`${what}: wrong output for the primes below ${limit} (sha256 ${hash.slice(0, 16)}…)`)
}

/** The catalog's prime sieve for `runtime`, as a sandbox job on input `limit`. */
export function sieveJob(runtime: CpuRuntime, limit: number): SandboxJob {
  const example = jobExamples().find((e) => e.runtime === runtime)
  if (example == null) throw new Error(`no example for ${runtime}`)
  return {
    runtime,
    code: Uint8Array.from(Buffer.from(example.code, 'base64')),
    input: new TextEncoder().encode(String(limit)),
    args: [],
    // The example's own memory and time; room for the output of a large limit.
    limits: {
      memoryBytes: Math.max(example.limits.memoryBytes, 2 * limit + MiB),
      wallMs: example.limits.wallMs,
      outputBytes: 16 * MiB,
    },
    grants: { clock: false, random: false },
    startTimeMs: START_TIME_MS,
    seed: new Uint8Array(32),
  }
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** One job in-process on an engine, as the runner calls it (no process, no pipe), with its output. */
function runtimeJob(job: SandboxJob): RuntimeJob {
  return {
    runtime: job.runtime,
    code: job.code,
    input: job.input,
    args: job.args,
    memoryBytes: job.limits.memoryBytes,
    deadline: performance.now() + job.limits.wallMs,
    grants: job.grants,
    startTimeMs: job.startTimeMs,
    seed: job.seed,
  }
}

class CollectingIo implements RuntimeIo {
  readonly chunks: Uint8Array[] = []
  write(bytes: Uint8Array): boolean {
    this.chunks.push(bytes.slice())
    return true
  }
  log(): void {}
  output(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

export interface WarmResult {
  /** `prepare()`: loading the runtime into a process that has not loaded it. */
  prepareMs: number
  /** The first `run()` after `prepare()` (what a sandbox process, one job each, actually runs). */
  firstRunMs: number
  /** Every later `run()` of the same job on the prepared engine. */
  warm: Stats
}

/** Warm start: `runs` runs of the job on an engine prepared once, in this process. */
export async function warmStart(runtime: CpuRuntime, limit: number, runs: number): Promise<WarmResult> {
  const engine = await engineFor(runtime)
  const prepare = await timed(() => engine.prepare())
  const job = sieveJob(runtime, limit)
  const once = async (): Promise<number> => {
    const io = new CollectingIo()
    const { ms, value: exit } = await timed(() => engine.run(runtimeJob(job), io))
    if (exit.kind !== 'exit' || exit.code !== 0)
      throw new Error(`${runtime} in-process: the job ended ${JSON.stringify(exit)}`)
    checkOutput(`${runtime} in-process`, limit, io.output())
    return ms
  }
  const firstRunMs = await once()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await once())
  return { prepareMs: prepare.ms, firstRunMs, warm: stats(times) }
}

export interface SandboxRuns {
  /** runInSandbox end to end, as the caller waits for it. */
  total: Stats
  /** The job's own wall time as the sandbox reports it (from its code's start to its end). */
  jobWall: Stats
  /** CPU time of the sandbox process, measured from /proc. */
  processCpu: Stats
}

/** One job through runInSandbox: its result, checked. */
export async function sandboxOnce(
  group: WorkGroup,
  runtime: CpuRuntime,
  limit: number,
  runnerPath?: string,
): Promise<{ ms: number; result: SandboxResult }> {
  const { ms, value: result } = await timed(() =>
    runInSandbox(sieveJob(runtime, limit), { group, ...(runnerPath != null ? { runnerPath } : {}) }),
  )
  if (result.status !== 'ok')
    throw new Error(`${runtime} sandbox: ${result.status}: ${result.error ?? ''} ${result.log}`)
  checkOutput(`${runtime} sandbox`, limit, result.output)
  return { ms, result }
}

/** Cold start: `runs` jobs, each in a fresh sandbox process (what a job costs on a provider). */
export async function sandboxRuns(
  group: WorkGroup,
  runtime: CpuRuntime,
  limit: number,
  runs: number,
): Promise<SandboxRuns> {
  const total: number[] = []
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const { ms, result } = await sandboxOnce(group, runtime, limit)
    total.push(ms)
    wall.push(result.wallMs)
    cpu.push(result.cpuMillis)
  }
  return { total: stats(total), jobWall: stats(wall), processCpu: stats(cpu) }
}

/** The floor of a process per job: `args` started through the group with `command`, until it exits. */
export async function spawnRuns(
  group: WorkGroup,
  command: string,
  args: readonly string[],
  runs: number,
): Promise<Stats> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await timed(() => spawnOnce(group, command, args))).ms)
  return stats(times)
}

export function spawnOnce(group: WorkGroup, command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = group.spawn(command, args, { stdio: 'ignore', env: {} })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    )
  })
}

/**
 * The same WASM sieve compiled, instantiated and run by Node's own WebAssembly and node:wasi in this
 * process (the same input on stdin from a file; stdout to a file, read back and checked): no host of ours,
 * no process.
 */
export async function directWasm(limit: number, runs: number): Promise<Stats> {
  const job = sieveJob('wasm-wasi', limit)
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-wasi-'))
  const inputPath = join(dir, 'input')
  writeFileSync(inputPath, job.input)
  const times: number[] = []
  try {
    for (let i = 0; i <= runs; i++) {
      const path = join(dir, `out-${i}`)
      const [stdin, stdout] = [openSync(inputPath, 'r'), openSync(path, 'w')]
      const { ms } = await timed(async () => {
        const wasi = new WASI({ version: 'preview1', args: ['job'], env: {}, stdin, stdout })
        const module = await WebAssemblyApi.compile(job.code)
        const instance = await WebAssemblyApi.instantiate(module, wasi.getImportObject() as WasmImports)
        wasi.start(instance)
      })
      closeSync(stdin)
      closeSync(stdout)
      checkOutput('direct node:wasi', limit, readFileSync(path))
      rmSync(path)
      // The first run (V8 and node:wasi loading) is left out, as the warm figures leave theirs out.
      if (i > 0) times.push(ms)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return stats(times)
}

/**
 * The same sieve as a plain JavaScript function, a line-for-line port of primes.wat: the digits of each
 * prime written into a 4 KiB buffer that is copied out when nearly full (where the module calls fd_write).
 * Building the lines as strings and joining them instead would time V8's strings, not the sieve.
 */
export function sieveJs(limit: number): Uint8Array {
  const composite = new Uint8Array(limit)
  const buffer = new Uint8Array(4096)
  const chunks: Uint8Array[] = []
  let out = 0
  for (let i = 2; i < limit; i++) {
    if (composite[i] === 1) continue
    if (out > 4096 - 12) {
      chunks.push(buffer.slice(0, out))
      out = 0
    }
    const start = out
    for (let n = i; ; n = Math.floor(n / 10)) {
      buffer[out++] = 48 + (n % 10)
      if (n < 10) break
    }
    buffer.subarray(start, out).reverse()
    buffer[out++] = 10
    if (i <= limit / i) for (let j = i * i; j < limit; j += i) composite[j] = 1
  }
  chunks.push(buffer.slice(0, out))
  return Buffer.concat(chunks)
}

export async function plainJs(limit: number, runs: number): Promise<Stats> {
  const times: number[] = []
  for (let i = 0; i <= runs; i++) {
    const { ms, value } = await timed(() => sieveJs(limit))
    checkOutput('plain JS', limit, value)
    if (i > 0) times.push(ms)
  }
  return stats(times)
}

/** `count` jobs through runInSandbox, `concurrency` at a time, in the same group: jobs per second. */
export async function jobsPerSecond(
  group: WorkGroup,
  runtime: CpuRuntime,
  limit: number,
  count: number,
  concurrency: number,
): Promise<number> {
  return throughput(count, concurrency, () => sandboxOnce(group, runtime, limit))
}

export async function throughput(
  count: number,
  concurrency: number,
  one: () => Promise<unknown>,
): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++
        await one()
      }
    }),
  )
  return count / ((performance.now() - start) / 1000)
}
