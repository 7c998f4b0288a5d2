/**
 * A pool of worker threads running one worker file, for CPU-heavy work the event loop should not do:
 * FALCON-1024 signatures of transactions and of STOQ handshakes. Threads start when work needs them (an
 * idle node keeps none; each costs tens of MiB), up to the pool's size. A job goes to an idle worker, a
 * new one while there is room, else the least loaded. A worker that dies fails the jobs it held and is
 * not replaced; once all have died, callers do the work inline. Idle workers do not keep the process
 * alive.
 *
 * Messages: the pool sends { id, job } and the worker answers { id, result } or { id, error }.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'

/** One core is left to the event loop (consensus, the network). */
export const defaultWorkerThreads = (): number => Math.max(1, Math.min(availableParallelism() - 1, 8))

export interface WorkerRequest<Job> {
  id: number
  job: Job
}

export interface WorkerReply<Result> {
  id: number
  result?: Result
  error?: string
}

interface PoolWorker {
  worker: Worker
  /** Weight of the jobs sent to it and not yet answered. */
  load: number
  alive: boolean
}

interface PendingJob<Result> {
  worker: PoolWorker
  weight: number
  resolve(result: Result): void
  reject(err: Error): void
}

export class WorkerPool<Job, Result> {
  private readonly workers: PoolWorker[] = []
  private readonly pending = new Map<number, PendingJob<Result>>()
  private nextId = 1
  private stopped = false

  private constructor(
    private readonly file: string,
    private readonly maxThreads: number,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  /**
   * A pool of up to `threads` workers from `file`, none started yet. Null when there is no such file, as
   * when running from source without a build: then the work is done inline, and the log says so.
   */
  static start<Job, Result>(
    file: string,
    options: { name: string; log: Logger; threads?: number },
  ): WorkerPool<Job, Result> | null {
    if (!existsSync(file)) {
      options.log.info({ file }, `no ${options.name} worker file beside this build; that work is done inline`)
      return null
    }
    return new WorkerPool<Job, Result>(
      file,
      options.threads ?? defaultWorkerThreads(),
      options.name,
      options.log,
    )
  }

  /** Workers running now. */
  get threads(): number {
    return this.workers.filter((w) => w.alive).length
  }

  /** Threads the pool can still work on: running ones and ones not started yet. 0 once stopped or dead. */
  get capacity(): number {
    if (this.stopped) return 0
    return this.maxThreads - this.workers.filter((w) => !w.alive).length
  }

  /**
   * Runs a job on an idle worker, a new one while there is room, else the least loaded. Rejects when none
   * can run, when the worker reports an error, or when it dies first. `weight` is the job's size, for
   * balancing (e.g. the transactions in it).
   */
  run(job: Job, weight = 1): Promise<Result> {
    const target = this.pickWorker()
    if (target == null) return Promise.reject(new Error(`no ${this.name} worker is running`))
    const id = this.nextId++
    // A worker with work to answer keeps the process alive until it answers.
    if (target.load === 0) target.worker.ref()
    target.load += weight
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { worker: target, weight, resolve, reject })
      const request: WorkerRequest<Job> = { id, job }
      target.worker.postMessage(request)
    })
  }

  /** Takes work again after stop(); threads start as work needs them, as at first. */
  start(): void {
    this.stopped = false
    this.workers.length = 0
  }

  /** Ends every thread and refuses work (callers then do it inline) until start(). */
  async stop(): Promise<void> {
    this.stopped = true
    for (const job of this.pending.values()) job.reject(new Error(`the ${this.name} pool stopped`))
    this.pending.clear()
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => ((w.alive = false), w.worker.terminate())))
  }

  private settle(from: PoolWorker, reply: WorkerReply<Result>): void {
    const job = this.pending.get(reply.id)
    if (job == null) return
    this.pending.delete(reply.id)
    from.load -= job.weight
    if (from.load === 0) from.worker.unref()
    if (reply.error != null || !('result' in reply)) {
      job.reject(new Error(`${this.name} worker failed: ${reply.error ?? 'no result'}`))
      return
    }
    job.resolve(reply.result as Result)
  }

  /** An idle worker, else a new one while there is room, else the least loaded; null when none can run. */
  private pickWorker(): PoolWorker | null {
    if (this.stopped) return null
    const alive = this.workers.filter((w) => w.alive)
    const idle = alive.find((w) => w.load === 0)
    if (idle != null) return idle
    if (this.workers.length < this.maxThreads) return this.spawn()
    if (alive.length === 0) return null
    return alive.reduce((best, w) => (w.load < best.load ? w : best))
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(this.file), load: 0, alive: true }
    this.workers.push(entry)
    entry.worker.on('message', (reply: WorkerReply<Result>) => this.settle(entry, reply))
    const fail = (err: Error): void => {
      if (!entry.alive) return
      entry.alive = false
      this.log.error({ err }, `a ${this.name} worker stopped; its work is done inline`)
      for (const [id, job] of this.pending)
        if (job.worker === entry) {
          this.pending.delete(id)
          job.reject(err)
        }
    }
    entry.worker.on('error', fail)
    entry.worker.on('exit', (code) => fail(new Error(`${this.name} worker exited with code ${code}`)))
    entry.worker.unref()
    return entry
  }
}
