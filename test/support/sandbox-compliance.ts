/**
 * The compliance suite every job runtime passes, run through the real sandbox process (runInSandbox) in a
 * real limited group: no file system, network, environment, subprocess or clock beyond the grants; an
 * infinite loop ends at its wall time; a memory bomb at its cap; output beyond its limit is cut and
 * reported; a crash is the job's failure, not the node's; a paused group pauses the job; the same job gives
 * the same output hash on every run.
 *
 * A runtime supplies its programs ({@link SandboxPrograms}) and calls
 * `describeSandboxCompliance('quickjs', programs)` in its own test file (test/sandbox-<runtime>.test.ts).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectLimiter } from '../../app/assets/limits/detect'
import type { LimitedGroup, ResourceLimiter } from '../../app/assets/limits/work-limits'
import { runInSandbox, type SandboxJob, type SandboxResult } from '../../app/jobs/sandbox/process-sandbox'
import type { JobRuntime } from '../../shared/jobs-schemas'
import { root } from './daemon'

/** One program: its code as the runtime takes it (a .wasm module's bytes, a script's UTF-8), with args. */
export interface SandboxProgram {
  code: Uint8Array
  args?: string[]
}

/**
 * What each runtime supplies. "Prints" means the job's output (stdout, `print`); "logs" its log (stderr).
 * Escape attempts must not throw out of the program where the runtime lets them be caught: each prints
 * what it got, so the suite can check that nothing of the outside reached it.
 */
export interface SandboxPrograms {
  /** Prints `hello ` followed by its whole input. */
  helloEcho: SandboxProgram
  /** Tries to read /etc/passwd and prints what it read (nothing, or an error's text). */
  readFile: SandboxProgram
  /** Tries to connect to 127.0.0.1:`port` and send `escaped`; prints what happened. */
  connect(port: number): SandboxProgram
  /** Tries to read the environment variable `name` and prints its value (or nothing). */
  readEnv(name: string): SandboxProgram
  /** Tries to start `/bin/sh -c 'echo escaped'` and prints what it got. */
  subprocess: SandboxProgram
  /** Reads the wall clock twice and prints both readings in milliseconds since the epoch: `<a> <b>`. */
  clockTwice: SandboxProgram
  /** Loops forever, printing nothing. */
  infiniteLoop: SandboxProgram
  /** Allocates memory without end (and keeps it). */
  memoryBomb: SandboxProgram
  /** Prints `count` bytes of `x`. */
  printBytes(count: number): SandboxProgram
  /** Fails: throws, traps or aborts. */
  crash: SandboxProgram
  /** Prints 32 random bytes (hex) and a clock reading: the same on every run without grants. */
  randomAndClock: SandboxProgram
  /** Loops forever, logging a line (`tick`) every few milliseconds of CPU. */
  ticking: SandboxProgram
}

const MiB = 1024 * 1024
const START_TIME_MS = 1_700_000_000_000
const SECRET_ENV = 'HYPERMESH_SANDBOX_SECRET'
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

/** Builds the runner as scripts/build.mjs does, under node_modules/.cache so its npm packages resolve. */
export async function buildSandboxRunner(): Promise<string> {
  const cache = join(root, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const outdir = mkdtempSync(join(cache, 'hm-runner-'))
  await build({
    entryPoints: { runner: join(root, 'app/jobs/sandbox/runner/runner.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    splitting: true,
    external: ['quickjs-emscripten', 'quickjs-emscripten-core', '@jitl/*', 'pyodide'],
    logLevel: 'warning',
  })
  return join(outdir, 'runner.mjs')
}

/** The test's sandbox: a runner bundle and a limited group per test. */
export interface SandboxFixture {
  limiter: ResourceLimiter
  runnerPath: string
  group(limits?: { cpuCores?: number | null; memoryBytes?: number | null }): Promise<LimitedGroup>
  run(program: SandboxProgram, options?: RunOptions): Promise<SandboxResult>
}

export interface RunOptions {
  group?: LimitedGroup
  input?: Uint8Array
  limits?: Partial<SandboxJob['limits']>
  seed?: Uint8Array
  onLog?: (text: string) => void
}

export function sandboxFixture(runtime: JobRuntime): SandboxFixture {
  const groups: LimitedGroup[] = []
  const fixture = {} as SandboxFixture
  beforeAll(async () => {
    const { limiter } = await detectLimiter()
    if (limiter == null) throw new Error('no limiter at all here (not Linux?)')
    fixture.limiter = limiter
    fixture.runnerPath = await buildSandboxRunner()
  }, 60_000)
  afterAll(async () => {
    await Promise.all(groups.splice(0).map((g) => g.close()))
  })
  fixture.group = async (limits = {}) => {
    const made = await fixture.limiter.createGroup(`sandbox-${randomBytes(4).toString('hex')}`, {
      cpuCores: limits.cpuCores ?? null,
      memoryBytes: limits.memoryBytes ?? 1024 * MiB,
    })
    groups.push(made)
    return made
  }
  fixture.run = async (program, options = {}) =>
    runInSandbox(
      {
        runtime,
        code: program.code,
        input: options.input ?? new Uint8Array(0),
        args: program.args ?? [],
        limits: { memoryBytes: 64 * MiB, wallMs: 10_000, outputBytes: 64 * 1024, ...options.limits },
        grants: { clock: false, random: false },
        startTimeMs: START_TIME_MS,
        seed: options.seed ?? new Uint8Array(32).fill(7),
      },
      {
        group: options.group ?? (await fixture.group()),
        runnerPath: fixture.runnerPath,
        ...(options.onLog != null ? { onLog: options.onLog } : {}),
      },
    )
  return fixture
}

/** Waits until `condition()` holds, polling, or fails after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

export function describeSandboxCompliance(runtime: JobRuntime, programs: SandboxPrograms): void {
  describe(`the ${runtime} sandbox`, () => {
    const sandbox = sandboxFixture(runtime)
    describeEscapes(sandbox, programs)
    describeLimits(sandbox, programs)
    describeDeterminism(sandbox, programs)
  })
}

function describeEscapes(sandbox: SandboxFixture, programs: SandboxPrograms): void {
  it('runs a program: output is `hello ` and its input, status ok, hashed, CPU measured', async () => {
    const result = await sandbox.run(programs.helloEcho, { input: new TextEncoder().encode('world') })
    expect(result.error).toBeUndefined()
    expect(result.status).toBe('ok')
    expect(text(result.output)).toBe('hello world')
    expect(result.outputHash).toMatch(/^[0-9a-f]{64}$/)
    expect(result.cpuMillis).toBeGreaterThan(0)
  })

  it('reads no file: /etc/passwd does not reach the output', async () => {
    const result = await sandbox.run(programs.readFile)
    expect(text(result.output)).not.toMatch(/root:/)
  })

  it('opens no network connection: a listener on 127.0.0.1 receives nothing', async () => {
    const received: Buffer[] = []
    let connections = 0
    const server: Server = createServer((socket) => {
      connections++
      socket.on('data', (d: Buffer) => received.push(d))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as { port: number }).port
      const result = await sandbox.run(programs.connect(port))
      expect(text(result.output)).not.toMatch(/escaped/)
      expect(connections).toBe(0)
      expect(Buffer.concat(received).length).toBe(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('sees no environment: a variable set in the node does not reach the job', async () => {
    const secret = `secret-${randomBytes(6).toString('hex')}`
    process.env[SECRET_ENV] = secret
    try {
      const result = await sandbox.run(programs.readEnv(SECRET_ENV))
      expect(text(result.output)).not.toContain(secret)
    } finally {
      delete process.env[SECRET_ENV]
    }
  })

  it('starts no subprocess', async () => {
    const result = await sandbox.run(programs.subprocess)
    expect(text(result.output)).not.toMatch(/escaped/)
  })

  it('reads a virtual clock: from the job start time, moving only as read, the same on every run', async () => {
    const first = await sandbox.run(programs.clockTwice)
    const second = await sandbox.run(programs.clockTwice)
    expect(first.status).toBe('ok')
    const [a, b] = text(first.output).trim().split(/\s+/).map(Number)
    expect(a).toBeGreaterThanOrEqual(START_TIME_MS)
    expect(b).toBeGreaterThan(a!)
    expect(b! - START_TIME_MS).toBeLessThan(1000)
    expect(second.outputHash).toBe(first.outputHash)
  })
}

function describeLimits(sandbox: SandboxFixture, programs: SandboxPrograms): void {
  it('ends an infinite loop at its wall time (within the grace) as a timeout', async () => {
    const started = performance.now()
    const result = await sandbox.run(programs.infiniteLoop, { limits: { wallMs: 1000 } })
    expect(result.status).toBe('timeout')
    expect(result.wallMs).toBeGreaterThanOrEqual(1000)
    expect(performance.now() - started).toBeLessThan(1000 + 500 + 3000)
  })

  it('ends a memory bomb at its memory cap as `memory`', async () => {
    const result = await sandbox.run(programs.memoryBomb, {
      limits: { memoryBytes: 32 * MiB, wallMs: 20_000 },
    })
    expect(result.status).toBe('memory')
    expect(result.error).toBeTruthy()
  })

  it('cuts output exactly at its limit and reports it', async () => {
    const result = await sandbox.run(programs.printBytes(100_000), { limits: { outputBytes: 1000 } })
    expect(result.status).toBe('output-limit')
    expect(result.truncated).toBe(true)
    expect(result.output.length).toBe(1000)
    expect(text(result.output)).toBe('x'.repeat(1000))
  })

  it('reports a crash as the job’s error, and the node runs the next job', async () => {
    const crashed = await sandbox.run(programs.crash)
    expect(crashed.status).toBe('error')
    expect(crashed.error).toBeTruthy()
    const next = await sandbox.run(programs.helloEcho)
    expect(next.status).toBe('ok')
  })

  it('pauses the job while its group is paused, and lets it go on when resumed', async () => {
    const group = await sandbox.group()
    let ticks = 0
    const running = sandbox.run(programs.ticking, {
      group,
      limits: { wallMs: 30_000 },
      onLog: (t) => (ticks += t.split('tick').length - 1),
    })
    await until(() => ticks >= 3, 10_000, 'the job to tick')
    await group.setPaused(true)
    // Frames already in the pipe still arrive: the count settles, then stays.
    let settled = ticks
    await until(
      () => {
        const still = ticks === settled
        settled = ticks
        return still
      },
      5_000,
      'the ticks to settle',
    )
    await sleep(1000)
    expect(ticks).toBe(settled)
    await group.setPaused(false)
    await until(() => ticks > settled, 10_000, 'the job to tick again')
    await group.close()
    const result = await running
    expect(result.status).not.toBe('ok')
  }, 60_000)
}

function describeDeterminism(sandbox: SandboxFixture, programs: SandboxPrograms): void {
  it('gives the same output hash on every run for the same job, another for another seed', async () => {
    const seed = new Uint8Array(32).fill(9)
    const first = await sandbox.run(programs.randomAndClock, { seed })
    const second = await sandbox.run(programs.randomAndClock, { seed })
    const other = await sandbox.run(programs.randomAndClock, { seed: new Uint8Array(32).fill(10) })
    expect(first.status).toBe('ok')
    expect(first.output.length).toBeGreaterThan(0)
    expect(second.outputHash).toBe(first.outputHash)
    expect(other.outputHash).not.toBe(first.outputHash)
  })
}
