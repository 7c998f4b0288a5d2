/**
 * Transaction signatures checked in parallel on worker threads. A FALCON-1024 verification takes about
 * 1 ms of one core; the consensus thread would otherwise spend it on every gossiped transaction and every
 * transaction of every proposed block. The pool computes the verdicts first and hands them to the chain's
 * verification cache, so the consensus code, which stays synchronous and deterministic, finds them
 * already known.
 */
import { LEDGER_SCHEMES, type LedgerSchemeName } from '../signature-scheme'
import { hasTxVerdict, rememberTxVerdict, type SignedTx, type TxSignatureFailure } from '../tx'
import type { VerificationCache } from '../verification-cache'

/**
 * What the ledger needs of worker threads that check transaction signatures (the node's signature
 * workers, which its transport shares): the node provides it.
 */
export interface TxVerifierThreads {
  /** Threads that can take work now; 0 when none can (then the consensus thread verifies). */
  readonly capacity: number
  /** Threads running now (they start when there is work). */
  readonly threads: number
  /** One verdict per transaction, in order: null where the signature holds. */
  verifyTxs(scheme: LedgerSchemeName, txs: SignedTx[]): Promise<unknown>
  stop(): Promise<void>
}

/** Below this many transactions per worker a split costs more in messages than it saves. */
const MIN_CHUNK = 4

export class TxSignaturePool {
  private constructor(
    private readonly workers: TxVerifierThreads,
    private readonly schemeName: LedgerSchemeName,
    private readonly cache: VerificationCache,
    /** Whether stop() ends the workers: only for threads started for this pool, not ones it was given. */
    private readonly ownsWorkers: boolean,
  ) {}

  /** Verifies on threads someone else owns (the node's, shared with its transport). */
  static over(
    workers: TxVerifierThreads,
    schemeName: LedgerSchemeName,
    cache: VerificationCache,
  ): TxSignaturePool {
    return new TxSignaturePool(workers, schemeName, cache, false)
  }

  /** Verifies on threads of its own, which stop() ends (benchmarks and tests). */
  static owning(
    workers: TxVerifierThreads,
    schemeName: LedgerSchemeName,
    cache: VerificationCache,
  ): TxSignaturePool {
    return new TxSignaturePool(workers, schemeName, cache, true)
  }

  /** Workers running now (they start when there is work). */
  get threads(): number {
    return this.workers.threads
  }

  /**
   * Verifies every transaction whose verdict the cache does not hold yet, spread over the workers, and
   * remembers the verdicts. Resolves once all are known; rejects only when a worker failed (the consensus
   * thread then verifies what is left itself).
   */
  async verifyAll(txs: readonly SignedTx[]): Promise<void> {
    const scheme = LEDGER_SCHEMES[this.schemeName]
    const unknown = txs.filter((tx) => !hasTxVerdict(tx, scheme, this.cache))
    const threads = this.workers.capacity
    if (unknown.length === 0 || threads === 0) return
    const chunks = Math.max(1, Math.min(threads, Math.floor(unknown.length / MIN_CHUNK)))
    const size = Math.ceil(unknown.length / chunks)
    const jobs: Promise<void>[] = []
    for (let i = 0; i < unknown.length; i += size) jobs.push(this.verifyChunk(unknown.slice(i, i + size)))
    await Promise.all(jobs)
  }

  /** Ends the workers if this pool owns them; workers it was given keep serving their owner. */
  async stop(): Promise<void> {
    if (this.ownsWorkers) await this.workers.stop()
  }

  private async verifyChunk(txs: SignedTx[]): Promise<void> {
    const verdicts = await this.workers.verifyTxs(this.schemeName, txs)
    if (!Array.isArray(verdicts) || verdicts.length !== txs.length)
      throw new Error('signature worker failed: wrong number of verdicts')
    const scheme = LEDGER_SCHEMES[this.schemeName]
    txs.forEach((tx, i) =>
      rememberTxVerdict(tx, scheme, (verdicts[i] as TxSignatureFailure | null) ?? null, this.cache),
    )
  }
}
