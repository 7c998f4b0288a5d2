/**
 * Runs one job in a sandbox process (./runner/runner.ts) inside the owner's leased-work group, so the CPU
 * share, memory cap and pause hold it from its first instruction, and turns whatever happens to that
 * process into the job's result: a crash, a kill or garbage on its pipe is the job's failure, never the
 * node's. What the process may touch is in ./isolation.ts; the pipe protocol in ./job-stream.ts.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JobRuntime, RunStatus } from '../../../shared/jobs-schemas'
import type { WorkGroup } from '../ports'
import { networkIsolation } from './isolation'
import { encodeJob } from './job-stream'
import { nodeBinary } from './node-binary'
import { SandboxProcess, type ProcessEnd } from './sandbox-process'

export interface SandboxJob {
  runtime: JobRuntime
  code: Uint8Array
  input: Uint8Array
  args: readonly string[]
  limits: { memoryBytes: number; wallMs: number; outputBytes: number }
  grants: { clock: boolean; random: boolean }
  /** Where the virtual clock starts (the spec's createdAt: the same on every provider). */
  startTimeMs: number
  /** 32 bytes seeding the job's randomness (from its id and input: the same on every provider). */
  seed: Uint8Array
}

export interface SandboxOptions {
  group: WorkGroup
  /** Ends the run (the process is killed); the result is `error` with the reason "cancelled". */
  signal?: AbortSignal
  /** Each piece of the job's log (stderr) as it comes. */
  onLog?: (text: string) => void
  /** The runner bundle; default dist/jobs-runner/runner.mjs beside the daemon's bundle. */
  runnerPath?: string
  /** The Node.js binary the process runs on; default this process's own (see ./node-binary.ts). */
  nodePath?: string
  /** How long after its wall time the process is killed; default 500 ms. */
  graceMs?: number
  /** How long loading the runtime may take before the job's wall time starts; default 60 s. */
  startupMs?: number
}

export interface SandboxResult {
  status: RunStatus
  /** The output, cut at the output limit (then `truncated`, and status `output-limit`). */
  output: Uint8Array
  /** SHA-256 of `output`, hex. */
  outputHash: string
  truncated: boolean
  /** The last 8 KiB of the job's log. */
  log: string
  /** CPU time of the job's own process, measured by this node from /proc (./process-cpu.ts). */
  cpuMillis: number
  /** CPU time the whole group used meanwhile: an upper bound, since concurrent jobs share the group. */
  groupCpuMillis: number
  /** From the start of the job's code to its end (time paused included). */
  wallMs: number
  /** What went wrong, in words, when status is not `ok`. */
  error?: string
}

/** The sandbox cannot be started on this node at all (nothing of the job ran). */
export class SandboxUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SandboxUnavailable'
  }
}

const MiB = 1024 * 1024
/** Node itself (the runner, its heap, the runtimes' JavaScript) above the job's own memory. */
const RUNNER_HEAP_MIB = 64

/** Where the app's build puts the runner: dist/jobs-runner/ beside dist/daemon/ (scripts/build.mjs). */
export function defaultRunnerPath(): string {
  return fileURLToPath(new URL('../jobs-runner/runner.mjs', import.meta.url))
}

export async function runInSandbox(job: SandboxJob, options: SandboxOptions): Promise<SandboxResult> {
  const node = nodeBinary(options.nodePath)
  if ('reason' in node) throw new SandboxUnavailable(node.reason)
  const runnerPath = options.runnerPath ?? defaultRunnerPath()
  if (!existsSync(runnerPath)) throw new SandboxUnavailable(`the sandbox runner is not built (${runnerPath})`)
  const network = await networkIsolation()
  const cwd = await mkdtemp(join(tmpdir(), 'hm-job-'))
  try {
    const groupBefore = await options.group.usage()
    const child = options.group.spawn(
      network.prefix[0] ?? node.path,
      [
        ...network.prefix.slice(1),
        ...(network.prefix.length > 0 ? [node.path] : []),
        ...nodeArgs(job, runnerPath),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], env: {}, cwd },
    )
    const sandbox = new SandboxProcess(child, options, job.limits)
    sandbox.send(
      encodeJob(
        { ...job, args: [...job.args], seed: Buffer.from(job.seed).toString('hex'), ...job.limits },
        job.code,
        job.input,
      ),
    )
    const end = await sandbox.ended()
    const groupAfter = await options.group.usage()
    return resultOf(end, {
      memoryCapHit: groupAfter.memoryCapHits > groupBefore.memoryCapHits,
      groupCpuMillis: Math.round((groupAfter.cpuSeconds - groupBefore.cpuSeconds) * 1000),
    })
  } finally {
    await rm(cwd, { recursive: true, force: true })
  }
}

/** Node's flags: the permission model with reads of the runner and the runtimes only, and a heap limit. */
function nodeArgs(job: SandboxJob, runnerPath: string): string[] {
  // The runner's directory: its bundle and the chunk of each runtime (nothing else is built there).
  const reads = [dirname(runnerPath), ...runtimePackageDirs(runnerPath), '/proc/self/fd*']
  return [
    '--permission',
    ...reads.map((path) => `--allow-fs-read=${path}`),
    `--max-old-space-size=${Math.ceil(job.limits.memoryBytes / MiB) + RUNNER_HEAP_MIB}`,
    runnerPath,
  ]
}

/** The npm packages the runner loads at run time (the QuickJS and Pyodide runtimes), where they resolve. */
const RUNTIME_PACKAGES = [
  'quickjs-emscripten',
  'quickjs-emscripten-core',
  // quickjs-emscripten resolves every build variant it ships when it loads.
  '@jitl',
  'pyodide',
]

function runtimePackageDirs(runnerPath: string): string[] {
  return RUNTIME_PACKAGES.flatMap((name) => {
    for (let dir = dirname(runnerPath); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(candidate)) return [candidate]
      if (dirname(dir) === dir) return []
    }
  })
}

function resultOf(end: ProcessEnd, group: { memoryCapHit: boolean; groupCpuMillis: number }): SandboxResult {
  const base = {
    output: end.output,
    outputHash: createHash('sha256').update(end.output).digest('hex'),
    truncated: end.truncated,
    log: end.log,
    cpuMillis: Math.round(end.cpuMillis),
    groupCpuMillis: group.groupCpuMillis,
    wallMs: Math.round(end.wallMs),
  }
  const { status, error } = statusOf(end, group.memoryCapHit)
  if (end.truncated && status !== 'timeout' && status !== 'memory')
    return {
      ...base,
      status: 'output-limit',
      error: `the output was cut at its limit of ${end.output.length} bytes`,
    }
  return { ...base, status, ...(error != null ? { error } : {}) }
}

function statusOf(end: ProcessEnd, memoryCapHit: boolean): { status: RunStatus; error?: string } {
  if (end.killedFor === 'timeout')
    return { status: 'timeout', error: 'the job ran past its wall time and was killed' }
  if (end.killedFor === 'cancelled') return { status: 'error', error: 'cancelled' }
  if (end.killedFor === 'protocol')
    return { status: 'error', error: end.problem ?? 'the sandbox broke its protocol' }
  const exit = end.result?.exit
  if (exit == null) {
    if (end.signal === 'SIGKILL' && memoryCapHit)
      return { status: 'memory', error: 'the job was killed at the memory cap of its group' }
    if (/heap out of memory|Reached heap limit/i.test(end.stderr))
      return { status: 'memory', error: 'the job ran out of its heap' }
    const how = end.signal != null ? `by ${end.signal}` : `with code ${end.code}`
    return {
      status: 'error',
      error: `the sandbox process ended ${how} without a result: ${end.stderr.trim().slice(-500)}`,
    }
  }
  switch (exit.kind) {
    case 'exit':
      return exit.code === 0
        ? { status: 'ok' }
        : { status: 'error', error: `the job exited with code ${exit.code}` }
    case 'timeout':
      return { status: 'timeout', error: 'the job ran past its wall time' }
    case 'memory':
      return { status: 'memory', error: exit.message }
    case 'error':
      return { status: 'error', error: exit.message }
  }
}
