/**
 * Transaction signatures checked in parallel on worker threads. A FALCON-1024 verification takes about
 * 1 ms of one core; the consensus thread would otherwise spend it on every gossiped transaction and every
 * transaction of every proposed block. The pool computes the verdicts first and hands them to the
 * process's verdict cache (rememberTxVerdict), so the consensus code, which stays synchronous and
 * deterministic, finds them already known.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import { LEDGER_SCHEMES, type LedgerSchemeName } from '../../consensus/signature-scheme'
import { hasTxVerdict, rememberTxVerdict, type SignedTx } from '../../consensus/tx'
import type { SignatureAnswer, SignatureJob } from './signature-worker'

/** One core is left to the consensus thread and the network. */
export const defaultVerifyThreads = (): number => Math.max(1, Math.min(availableParallelism() - 1, 8))

/** Below this many transactions per worker a split costs more in messages than it saves. */
const MIN_CHUNK = 4

interface PoolWorker {
  worker: Worker
  /** Transactions sent to it and not yet answered. */
  load: number
  alive: boolean
}

interface PendingJob {
  worker: PoolWorker
  txs: SignedTx[]
  resolve(): void
  reject(err: Error): void
}

export class TxSignaturePool {
  private readonly workers: PoolWorker[]
  private readonly pending = new Map<number, PendingJob>()
  private nextId = 1

  private constructor(
    file: string,
    threads: number,
    private readonly schemeName: LedgerSchemeName,
    private readonly log: Logger,
  ) {
    this.workers = Array.from({ length: threads }, () => this.spawn(file))
  }

  /**
   * Starts `threads` workers from `file` (by default the worker built beside this bundle). Null when there
   * is no such file, as when running from source: then signatures are verified on the consensus thread.
   */
  static start(
    schemeName: LedgerSchemeName,
    log: Logger,
    options: { threads?: number; file?: string } = {},
  ): TxSignaturePool | null {
    const file = options.file ?? fileURLToPath(new URL('./signature-worker.js', import.meta.url))
    if (!existsSync(file)) {
      log.info('no signature worker file beside this build; signatures are verified on the consensus thread')
      return null
    }
    return new TxSignaturePool(file, options.threads ?? defaultVerifyThreads(), schemeName, log)
  }

  /** Workers still running. */
  get threads(): number {
    return this.workers.filter((w) => w.alive).length
  }

  /**
   * Verifies every transaction whose verdict this process does not know yet, spread over the workers, and
   * remembers the verdicts. Resolves once all are known; rejects only when a worker failed (the consensus
   * thread then verifies what is left itself).
   */
  async verifyAll(txs: readonly SignedTx[]): Promise<void> {
    const scheme = LEDGER_SCHEMES[this.schemeName]
    const unknown = txs.filter((tx) => !hasTxVerdict(tx, scheme))
    const alive = this.workers.filter((w) => w.alive)
    if (unknown.length === 0 || alive.length === 0) return
    const chunks = Math.max(1, Math.min(alive.length, Math.floor(unknown.length / MIN_CHUNK)))
    const size = Math.ceil(unknown.length / chunks)
    const jobs: Promise<void>[] = []
    for (let i = 0; i < unknown.length; i += size) jobs.push(this.send(unknown.slice(i, i + size)))
    await Promise.all(jobs)
  }

  async stop(): Promise<void> {
    for (const job of this.pending.values()) job.reject(new Error('the signature pool stopped'))
    this.pending.clear()
    await Promise.all(this.workers.map((w) => ((w.alive = false), w.worker.terminate())))
  }

  private send(txs: SignedTx[]): Promise<void> {
    // The least loaded worker takes the chunk.
    const target = this.workers.filter((w) => w.alive).reduce((best, w) => (w.load < best.load ? w : best))
    const id = this.nextId++
    // An idle worker does not keep the process alive; one with work to answer does.
    if (target.load === 0) target.worker.ref()
    target.load += txs.length
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { worker: target, txs, resolve, reject })
      const job: SignatureJob = { id, scheme: this.schemeName, txs }
      target.worker.postMessage(job)
    })
  }

  private answer(from: PoolWorker, answer: SignatureAnswer): void {
    const job = this.pending.get(answer.id)
    if (job == null) return
    this.pending.delete(answer.id)
    from.load -= job.txs.length
    if (from.load === 0) from.worker.unref()
    if (answer.verdicts == null || answer.verdicts.length !== job.txs.length) {
      job.reject(new Error(`signature worker failed: ${answer.error ?? 'wrong number of verdicts'}`))
      return
    }
    const scheme = LEDGER_SCHEMES[this.schemeName]
    job.txs.forEach((tx, i) => rememberTxVerdict(tx, scheme, answer.verdicts![i] ?? null))
    job.resolve()
  }

  private spawn(file: string): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(file), load: 0, alive: true }
    entry.worker.on('message', (answer: SignatureAnswer) => this.answer(entry, answer))
    const fail = (err: Error): void => {
      if (!entry.alive) return
      entry.alive = false
      this.log.error({ err }, 'a signature worker stopped; its share is verified on the consensus thread')
      for (const [id, job] of this.pending)
        if (job.worker === entry) {
          this.pending.delete(id)
          job.reject(err)
        }
    }
    entry.worker.on('error', fail)
    entry.worker.on('exit', (code) => fail(new Error(`signature worker exited with code ${code}`)))
    entry.worker.unref()
    return entry
  }
}
