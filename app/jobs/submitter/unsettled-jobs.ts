/**
 * Escrows of this node's jobs that no running job will settle or take back: a job the node stopped in the
 * middle of (settled from the receipts kept as its runs came back, settlement.ts), one whose settlement
 * never committed, and a settled one whose rest is held through the claim window. Checked at start and
 * after every block. Before `settleBy` the payer settles; after the providers' claim window it takes back
 * what remains; in between it waits for the providers' claims. Once the escrow holds nothing more, what
 * it paid in all is recorded on the job.
 */
import { JOB_CLAIM_WINDOW_MS } from '../../consensus'
import type { JobStore, StoredJob } from '../job-store'
import type { EscrowView, JobsLedgerView, JobsServiceParts, UnsignedJobTx } from '../ports'
import { receiptsOf, settlementOf } from './settlement'

/** How long a sent settlement or refund is given to commit before it is sent again. */
const RETRY_MS = 2 * 60_000

export class UnsettledJobs {
  private readonly sent = new Map<string, number>()

  constructor(
    private readonly parts: JobsServiceParts,
    private readonly store: JobStore,
    private readonly isRunning: (jobId: string) => boolean,
    private readonly changed: (job: StoredJob) => void,
  ) {}

  check(): void {
    const ledger = this.parts.ledger()
    if (ledger == null) return
    const now = (this.parts.now ?? Date.now)()
    for (const job of this.store.unsettled(this.parts.activeNetworkId())) {
      const { jobId } = job.summary
      if (this.isRunning(jobId)) continue
      const escrow = ledger.escrow(jobId)
      if (escrow == null) {
        // Never committed, and now it cannot be: nothing was held.
        if (ledger.timeMs > job.spec.spec.expiresAt) this.record(job, ledger, 0n)
        continue
      }
      // Closed: settled and every unpaid unit taken back (or refunded); record what it paid in all.
      if (!escrow.open && escrow.remaining === 0n) {
        this.record(job, ledger, escrow.paidTotal)
        continue
      }
      const lastSent = this.sent.get(jobId) ?? (job.summary.settleTx == null ? 0 : job.summary.updatedAt)
      if (now - lastSent < RETRY_MS) continue
      const tx = closingTx(job, escrow, ledger.timeMs)
      if (tx == null) continue
      this.sent.set(jobId, now)
      try {
        const { txId } = this.parts.submitTx(tx)
        job.summary = { ...job.summary, settleTx: txId, updatedAt: now }
        this.store.saveJob(this.parts.activeNetworkId(), job)
      } catch (err) {
        this.parts.log.warn({ err, jobId, kind: tx.kind }, 'could not close the escrow of an unsettled job')
      }
    }
  }

  private record(job: StoredJob, ledger: JobsLedgerView, paidTotal: bigint): void {
    const providers = job.summary.providers.map((run) => {
      const receipt = job.receipts.find((r) => r.peerId === run.peerId)
      if (receipt == null) return run
      const paid = ledger.paidTo(receipt.receipt.receipt.providerAccount, job.summary.jobId)
      return { ...run, paid: (paid ?? 0n).toString() }
    })
    job.summary = {
      ...job.summary,
      providers,
      cost: paidTotal.toString(),
      refunded: (BigInt(job.spec.spec.maxPayment) - paidTotal).toString(),
      updatedAt: (this.parts.now ?? Date.now)(),
    }
    this.store.saveJob(this.parts.activeNetworkId(), job)
    this.changed(job)
  }
}

/** The transaction that closes `escrow` now: a settlement from the kept receipts, a refund, or none yet. */
function closingTx(job: StoredJob, escrow: EscrowView, ledgerTimeMs: number): UnsignedJobTx | null {
  const { jobId, redundancy } = job.spec.spec
  if (escrow.open && ledgerTimeMs < escrow.settleBy) {
    const { paid, outvoted } = settlementOf(job.receipts, redundancy)
    return { kind: 'job-settle', jobId, paid: receiptsOf(paid), outvoted: receiptsOf(outvoted) }
  }
  if (ledgerTimeMs >= escrow.settleBy + JOB_CLAIM_WINDOW_MS) return { kind: 'job-refund', jobId }
  return null
}
