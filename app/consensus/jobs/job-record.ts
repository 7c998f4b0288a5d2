/** A job's record on the ledger, as the API shows it to anyone who asks (`chain.job`). */
import type { JobOnLedger } from '../../../shared/chain-schemas'
import type { LedgerState } from '../state'

export function jobOnLedger(state: LedgerState, jobId: string): JobOnLedger {
  const escrow = state.jobEscrows.get(jobId)
  return {
    jobId,
    escrow:
      escrow == null
        ? null
        : {
            payer: escrow.payer,
            remaining: escrow.amount.toString(),
            status: escrow.status,
            settleBy: escrow.settleBy,
            paid: escrow.paid.map((p) => ({ account: p.account, amount: p.amount.toString() })),
          },
    outvoted: [...state.jobEvidence.values()]
      .filter((evidence) => evidence.jobId === jobId)
      .map(({ account, provider, outputHash, acceptedHash, height }) => ({
        account,
        provider,
        outputHash,
        acceptedHash,
        height,
      })),
  }
}
