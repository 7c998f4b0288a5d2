/**
 * A fill's escrow on the ledger: the state transition rules of `lease-release` and `lease-refund`.
 *
 * - The seller's node issues a lease whose id is the fill's id to the buyer's holder peer, for a time
 *   between the fill and `deliverBy`.
 * - As the holder signs usage receipts for it, the seller releases them: each pays
 *   `price × use / unitSecondsPer` (rounded down on the running total) to the seller's payout account,
 *   at most what the escrow holds.
 * - Once `deliverBy` and {@link RELEASE_WINDOW_MS} have passed, the buyer takes back what is left.
 *
 * Nothing else moves escrowed funds: not the buyer before then, not anyone but the seller with the
 * holder's receipts, not a receipt for another lease, holder or time already released.
 */
import { fromBase64 } from '../codec'
import { reject } from '../errors'
import type { ChainParams } from '../params'
import { holderKeyRefusal, recordPeerBinding } from '../peer-bindings'
import { creditEarnings } from '../payout'
import { leaseSignatureValid } from '../records/lease'
import { receiptRefusal } from '../records/usage-receipt'
import type { Account, LeaseEscrow, LedgerState } from '../state'
import type { TxBody } from '../tx'
import { MARKETS } from './markets'

/** How long after `deliverBy` the seller may still release receipts, before the buyer may refund. */
export const RELEASE_WINDOW_MS = 24 * 3600 * 1000

export interface EscrowContext {
  readonly networkId: string
  readonly params: ChainParams
  readonly timeMs: number
}

const short = (id: string): string => `${id.slice(0, 12)}…`
const iso = (ms: number): string => new Date(ms).toISOString()

function openEscrow(state: LedgerState, escrowId: string): LeaseEscrow {
  const escrow = state.leaseEscrows.get(escrowId)
  if (escrow == null) return reject('unknown-escrow', `fill ${short(escrowId)} has no escrow on the ledger`)
  if (escrow.status !== 'open')
    reject('escrow-closed', `the escrow of fill ${short(escrowId)} is ${escrow.status}`)
  return escrow
}

/** `lease-release`: the seller is paid for the use the holder's receipt proves. */
export function applyLeaseRelease(
  state: LedgerState,
  body: Extract<TxBody, { kind: 'lease-release' }>,
  ctx: EscrowContext,
): void {
  const escrow = openEscrow(state, body.escrowId)
  if (escrow.seller !== body.from)
    reject('not-authorized', `only the seller ${escrow.seller} releases this escrow`)
  const closesAt = escrow.deliverBy + RELEASE_WINDOW_MS
  if (ctx.timeMs >= closesAt)
    reject('stale', `receipts for this fill were to be released by ${iso(closesAt)}`)
  const terms = body.lease.terms
  const bad = (why: string): never => reject('invalid-receipt', why)
  if (terms.leaseId !== body.escrowId) bad('the lease was not issued against this fill')
  if (terms.networkId !== ctx.networkId) bad('the lease is for another network')
  if (terms.assetId !== escrow.assetId) bad('the lease is for another asset than the one sold')
  if (terms.holder !== escrow.holder)
    bad(`the lease is held by ${terms.holder}, not the buyer's ${escrow.holder}`)
  if (terms.startsAt < escrow.filledAt || terms.endsAt > escrow.deliverBy)
    bad(`the lease must lie between the fill and ${iso(escrow.deliverBy)}`)
  const asset = state.assets.get(escrow.assetId)
  if (asset == null || terms.owner !== asset.peerId)
    bad('the lease was issued by a peer that does not serve the asset sold')
  const receipt = body.receipt.receipt
  if (receipt.endsAt > ctx.timeMs + ctx.params.maxClockDriftMs)
    bad('the receipt ends after the time of this block')
  if (receipt.startsAt < escrow.releasedToMs)
    reject('duplicate', `use of this fill up to ${iso(escrow.releasedToMs)} was already released`)
  const refusal = receiptRefusal(body.receipt, terms, ctx.networkId)
  if (refusal != null) bad(refusal)
  const keyRefusal = holderKeyRefusal(state, body.receipt)
  if (keyRefusal != null) bad(keyRefusal)
  if (!leaseSignatureValid(body.lease, fromBase64(body.publicKey)))
    reject('bad-signature', "the lease is not signed by the seller's key")
  const carried = body.receipt.holderBinding
  if (state.peerBinding(receipt.holder) == null && carried != null) recordPeerBinding(state, carried)
  const per = MARKETS[escrow.market].unitSecondsPer
  const used = escrow.usedUnitSeconds + BigInt(receipt.unitSeconds)
  const owed = (escrow.price * used) / per - (escrow.price * escrow.usedUnitSeconds) / per
  const pay = owed < escrow.amount ? owed : escrow.amount
  state.leaseEscrows.set(body.escrowId, {
    ...escrow,
    amount: escrow.amount - pay,
    usedUnitSeconds: used,
    releasedToMs: receipt.endsAt,
    status: escrow.amount - pay === 0n ? 'released' : 'open',
  })
  creditEarnings(state, escrow.seller, pay)
}

/** `lease-refund`: after delivery and the release window, the buyer takes back what is left. */
export function applyLeaseRefund(
  state: LedgerState,
  sender: Account,
  body: Extract<TxBody, { kind: 'lease-refund' }>,
  ctx: EscrowContext,
): Account {
  const escrow = openEscrow(state, body.escrowId)
  if (escrow.buyer !== body.from) reject('not-authorized', `only the buyer ${escrow.buyer} is refunded`)
  const refundableAt = escrow.deliverBy + RELEASE_WINDOW_MS
  if (ctx.timeMs < refundableAt)
    reject('too-early', `the seller may release use of this fill until ${iso(refundableAt)}`)
  state.leaseEscrows.set(body.escrowId, { ...escrow, amount: 0n, status: 'refunded' })
  return { ...sender, balance: sender.balance + escrow.amount }
}

/** At the start of each block: forgets closed escrows whose release window has passed. */
export function pruneClosedLeaseEscrows(state: LedgerState): void {
  for (const [id, escrow] of state.leaseEscrows)
    if (escrow.status !== 'open' && escrow.deliverBy + RELEASE_WINDOW_MS < state.timeMs)
      state.leaseEscrows.delete(id)
}
