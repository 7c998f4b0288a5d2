/**
 * Receipts for the lease of a fill (docs/caesar.md, The exchange): the owner that sold it claims them with
 * `lease-release`, which pays it from the fill's escrow, instead of `usage-claim`, which counts use toward
 * the epoch's rewards. Any resource is paid this way (CPU and GPU too: the buyer paid for the time held).
 */
import type { LedgerState, SignedLease, SignedUsageReceipt, TxBody } from '../consensus'

/** Whether `leaseId` delivers an open fill that `seller` sold. */
export function isOwnFillLease(state: LedgerState, leaseId: string, seller: string): boolean {
  const escrow = state.leaseEscrows.get(leaseId)
  return escrow != null && escrow.seller === seller && escrow.status === 'open'
}

type ClaimBody =
  | Omit<Extract<TxBody, { kind: 'usage-claim' }>, TxEnvelopeField>
  | Omit<Extract<TxBody, { kind: 'lease-release' }>, TxEnvelopeField>
type TxEnvelopeField = 'chainId' | 'from' | 'publicKey' | 'nonce' | 'fee'
export type { ClaimBody }

/** The transaction that claims a stored receipt: a release for a fill's lease, a usage claim otherwise. */
export function claimBodyOf(
  state: LedgerState,
  seller: string,
  lease: SignedLease,
  receipt: SignedUsageReceipt,
): ClaimBody {
  const leaseId = lease.terms.leaseId
  return state.leaseEscrows.get(leaseId)?.seller === seller
    ? { kind: 'lease-release', escrowId: leaseId, lease, receipt }
    : { kind: 'usage-claim', lease, receipt }
}

/** Whether the ledger has taken a claim of use up to `endsAt` of `leaseId`: as a release, or a usage claim. */
export function claimTaken(state: LedgerState, leaseId: string, endsAt: number): boolean {
  const escrow = state.leaseEscrows.get(leaseId)
  if (escrow != null) return escrow.releasedToMs >= endsAt || escrow.status !== 'open'
  const claimed = state.leaseClaims.get(leaseId)
  return claimed != null && claimed.claimedToMs >= endsAt
}
