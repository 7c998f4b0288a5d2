/**
 * One running sandbox process as the node sees it: its framed stdout turned into output, log and result
 * (the node cuts output at the limit itself, whatever the runner says), its CPU time sampled from /proc,
 * and the kills: at the wall time (counted from `started`, time paused left out), at the startup limit,
 * on cancel, and on a pipe that breaks the protocol.
 */
import type { ChildProcess } from 'node:child_process'
import { FrameDecoder, type RunnerResult } from './job-stream'
import { CpuMeter } from './process-cpu'
import type { WorkGroup } from '../ports'

const LOG_KEEP_CHARS = 8 * 1024
const STDERR_KEEP_CHARS = 4 * 1024
const TICK_MS = 20

/** What the process watch needs of runInSandbox's options. */
export interface WatchOptions {
  group: Pick<WorkGroup, 'paused'>
  signal?: AbortSignal
  onLog?: (text: string) => void
  graceMs?: number
  startupMs?: number
}

export interface ProcessEnd {
  result: RunnerResult | null
  output: Uint8Array
  truncated: boolean
  log: string
  stderr: string
  cpuMillis: number
  wallMs: number
  code: number | null
  signal: NodeJS.Signals | null
  killedFor: 'timeout' | 'cancelled' | 'protocol' | null
  problem?: string
}

export class SandboxProcess {
  private readonly decoder = new FrameDecoder()
  private readonly chunks: Uint8Array[] = []
  private outputBytes = 0
  private truncated = false
  private log = ''
  private stderr = ''
  private result: RunnerResult | null = null
  private killedFor: ProcessEnd['killedFor'] = null
  private problem: string | undefined
  private readonly spawnedAt = performance.now()
  private startedAt: number | null = null
  /** Wall time the job has run while its group was not paused, in ms. */
  private runningMs = 0
  private lastTick = performance.now()
  private readonly meter: CpuMeter | null
  private readonly done: Promise<ProcessEnd>

  constructor(
    private readonly child: ChildProcess,
    private readonly options: WatchOptions,
    private readonly limits: { wallMs: number; outputBytes: number },
  ) {
    this.meter = child.pid != null ? new CpuMeter(child.pid, TICK_MS, () => this.tick()) : null
    child.stdin?.on('error', () => undefined) // the process died before reading all of it: its exit says why
    child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk))
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS)
    })
    const abort = (): void => this.kill('cancelled')
    options.signal?.addEventListener('abort', abort, { once: true })
    if (options.signal?.aborted === true) abort()
    this.done = new Promise((resolve) => {
      child.once('error', (err) => {
        this.problem = `the sandbox process could not start: ${err.message}`
        this.killedFor ??= 'protocol'
      })
      child.once('close', (code, signal) => {
        this.meter?.stop()
        options.signal?.removeEventListener('abort', abort)
        resolve(this.end(code, signal))
      })
    })
  }

  send(job: Uint8Array): void {
    this.child.stdin?.write(job)
  }

  ended(): Promise<ProcessEnd> {
    return this.done
  }

  private onStdout(chunk: Buffer): void {
    let frames
    try {
      frames = this.decoder.push(chunk)
    } catch (err) {
      this.problem = (err as Error).message
      return this.kill('protocol')
    }
    for (const { type, payload } of frames) {
      if (type === 'log') this.addLog(payload.toString('utf8'))
      else if (type === 'output') this.addOutput(payload)
      else if (type === 'started') this.startedAt ??= performance.now()
      else this.onResult(payload)
    }
  }

  private addOutput(payload: Uint8Array): void {
    const room = this.limits.outputBytes - this.outputBytes
    if (payload.length > room) this.truncated = true
    const kept = payload.subarray(0, Math.max(0, room))
    this.chunks.push(Uint8Array.from(kept))
    this.outputBytes += kept.length
  }

  private addLog(text: string): void {
    this.log = (this.log + text).slice(-LOG_KEEP_CHARS)
    this.options.onLog?.(text)
  }

  private onResult(payload: Buffer): void {
    try {
      this.result = JSON.parse(payload.toString('utf8')) as RunnerResult
    } catch {
      this.problem = 'the sandbox sent a result that is not JSON'
      return this.kill('protocol')
    }
    // The runner now waits, idle, to be let go: its CPU time is final, so it is read before it exits.
    this.meter?.sample()
    this.child.stdin?.end()
  }

  /** Every TICK_MS: the wall time limit, counted only while the group runs, and the startup limit. */
  private tick(): void {
    const now = performance.now()
    if (!this.options.group.paused && this.startedAt != null) this.runningMs += now - this.lastTick
    this.lastTick = now
    if (this.result != null) return
    if (this.startedAt == null && now - this.spawnedAt > (this.options.startupMs ?? 60_000)) {
      this.problem = 'the sandbox runtime did not load within its startup time'
      this.kill('protocol')
    } else if (this.runningMs > this.limits.wallMs + (this.options.graceMs ?? 500)) {
      this.kill('timeout')
    }
  }

  private kill(why: NonNullable<ProcessEnd['killedFor']>): void {
    if (this.killedFor != null || this.child.exitCode != null || this.child.signalCode != null) return
    this.killedFor = why
    this.meter?.sample()
    this.child.kill('SIGKILL')
  }

  private end(code: number | null, signal: NodeJS.Signals | null): ProcessEnd {
    const output = Buffer.concat(this.chunks)
    return {
      result: this.result,
      output: new Uint8Array(output.buffer, output.byteOffset, output.length),
      truncated: this.truncated || this.result?.truncated === true,
      log: this.log,
      stderr: this.stderr,
      cpuMillis: this.meter?.millis ?? 0,
      wallMs: this.startedAt == null ? 0 : performance.now() - this.startedAt,
      code,
      signal,
      killedFor: this.killedFor,
      ...(this.problem != null ? { problem: this.problem } : {}),
    }
  }
}
