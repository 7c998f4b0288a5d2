/**
 * Transaction signatures checked in parallel on worker threads. A FALCON-1024 verification takes about
 * 1 ms of one core; the consensus thread would otherwise spend it on every gossiped transaction and every
 * transaction of every proposed block. The pool computes the verdicts first and hands them to the
 * process's verdict cache (rememberTxVerdict), so the consensus code, which stays synchronous and
 * deterministic, finds them already known.
 */
import type { Logger } from 'pino'
import { LEDGER_SCHEMES, type LedgerSchemeName } from '../../consensus/signature-scheme'
import { hasTxVerdict, rememberTxVerdict, type SignedTx, type TxSignatureFailure } from '../../consensus/tx'
import { startSignatureWorkers, type SignatureWorkers } from '../workers/signature-workers'

/** Below this many transactions per worker a split costs more in messages than it saves. */
const MIN_CHUNK = 4

export class TxSignaturePool {
  private constructor(
    private readonly workers: SignatureWorkers,
    private readonly schemeName: LedgerSchemeName,
    /** Whether stop() ends the workers: only for a pool started here, not for one it was given. */
    private readonly ownsWorkers: boolean,
  ) {}

  /** Verifies on workers someone else owns (the node's, shared with its transport). */
  static over(workers: SignatureWorkers, schemeName: LedgerSchemeName): TxSignaturePool {
    return new TxSignaturePool(workers, schemeName, false)
  }

  /**
   * A pool of its own, of up to `threads` workers from `file` (by default the worker built beside this
   * bundle), for benchmarks and tests; the node uses {@link TxSignaturePool.over} its shared workers.
   * Null when there is no such file, as when running from source: then signatures are verified on the
   * consensus thread.
   */
  static start(
    schemeName: LedgerSchemeName,
    log: Logger,
    options: { threads?: number; file?: string } = {},
  ): TxSignaturePool | null {
    const workers = startSignatureWorkers(log, options)
    return workers == null ? null : new TxSignaturePool(workers, schemeName, true)
  }

  /** Workers running now (they start when there is work). */
  get threads(): number {
    return this.workers.threads
  }

  /**
   * Verifies every transaction whose verdict this process does not know yet, spread over the workers, and
   * remembers the verdicts. Resolves once all are known; rejects only when a worker failed (the consensus
   * thread then verifies what is left itself).
   */
  async verifyAll(txs: readonly SignedTx[]): Promise<void> {
    const scheme = LEDGER_SCHEMES[this.schemeName]
    const unknown = txs.filter((tx) => !hasTxVerdict(tx, scheme))
    const threads = this.workers.capacity
    if (unknown.length === 0 || threads === 0) return
    const chunks = Math.max(1, Math.min(threads, Math.floor(unknown.length / MIN_CHUNK)))
    const size = Math.ceil(unknown.length / chunks)
    const jobs: Promise<void>[] = []
    for (let i = 0; i < unknown.length; i += size) jobs.push(this.verifyChunk(unknown.slice(i, i + size)))
    await Promise.all(jobs)
  }

  /** Ends the workers if this pool started them; workers it was given keep serving their owner. */
  async stop(): Promise<void> {
    if (this.ownsWorkers) await this.workers.stop()
  }

  private async verifyChunk(txs: SignedTx[]): Promise<void> {
    const verdicts = await this.workers.run({ kind: 'verify-txs', scheme: this.schemeName, txs }, txs.length)
    if (!Array.isArray(verdicts) || verdicts.length !== txs.length)
      throw new Error('signature worker failed: wrong number of verdicts')
    const scheme = LEDGER_SCHEMES[this.schemeName]
    txs.forEach((tx, i) => rememberTxVerdict(tx, scheme, (verdicts[i] as TxSignatureFailure | null) ?? null))
  }
}
