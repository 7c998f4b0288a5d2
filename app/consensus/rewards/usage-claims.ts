/**
 * Rewards on the ledger: the state transition rules of `usage-claim` transactions and of the first block of
 * each epoch. A claim carries a lease the sender's asset issued and the holder's receipt for a stretch of
 * holding it; the ledger checks both signatures, that the receipt's key is the one bound to the holder's
 * peer id (peer-bindings.ts), that the stretch lies in the lease and was not claimed
 * before, and adds the use (weighted by the asset's privacy level) to the epoch's tally. The first block
 * of each epoch pays the previous epoch's tally, minting at most the schedule's emission; beyond it every
 * claim is paid the same share.
 */
import { fromBase64 } from '../codec'
import { reject } from '../errors'
import type { ChainParams } from '../params'
import { holderKeyRefusal, recordPeerBinding } from '../peer-bindings'
import { leaseSignatureValid, type SignedLease } from '../records/lease'
import { receiptRefusal, type SignedUsageReceipt } from '../records/usage-receipt'
import { falcon1024Scheme } from '../signature-scheme'
import { creditEarnings } from '../payout'
import type { LedgerState } from '../state'
import { addressOf } from '../tx'
import { epochOf, parseUsageKey, rewardFor, scheduleOf, usageKey, weightedUse } from './schedule'

/** How long after a lease ends its receipts may still be claimed; later ones are refused as stale. */
export const CLAIM_WINDOW_MS = 7 * 24 * 3600 * 1000

export interface ClaimContext {
  networkId: string
  params: ChainParams
  /** The time of the block the claim is executed in. */
  timeMs: number
}

/** Checks a usage claim by `from` (whose key is `publicKey`) and adds it to the epoch's tally. */
export function applyUsageClaim(
  state: LedgerState,
  claim: { from: string; publicKey: string; lease: SignedLease; receipt: SignedUsageReceipt },
  ctx: ClaimContext,
): void {
  const terms = claim.lease.terms
  const asset = state.assets.get(terms.assetId)
  if (asset == null)
    return reject(
      'unknown-asset',
      `asset ${terms.assetId.slice(0, 12)}… is not registered; register it to earn from its use`,
    )
  if (asset.resource === 'cpu' || asset.resource === 'gpu')
    reject(
      'invalid-receipt',
      'CPU and GPU are paid for measured work in settled jobs, not for the time a lease was held',
    )
  if (asset.owner !== claim.from)
    reject(
      'invalid-receipt',
      `asset ${terms.assetId.slice(0, 12)}… belongs to ${asset.owner}, not the sender`,
    )
  if (terms.owner !== asset.peerId)
    reject('invalid-receipt', 'the lease was issued by a peer that does not serve the asset')
  if (!leaseSignatureValid(claim.lease, fromBase64(claim.publicKey)))
    reject('bad-signature', "the lease is not signed by the asset owner's key")
  if (BigInt(terms.amount) > asset.capacity)
    reject('invalid-receipt', `the lease is for ${terms.amount}, more than the ${asset.capacity} registered`)
  const refusal = receiptRefusal(claim.receipt, terms, ctx.networkId)
  if (refusal != null) reject('invalid-receipt', refusal)
  const keyRefusal = holderKeyRefusal(state, claim.receipt)
  if (keyRefusal != null) reject('invalid-receipt', keyRefusal)
  const receipt = claim.receipt.receipt
  if (addressOf(falcon1024Scheme, fromBase64(claim.receipt.holderKey)) === claim.from)
    reject('invalid-receipt', "an owner cannot sign the receipts for its own asset's use")
  if (receipt.endsAt > ctx.timeMs + ctx.params.maxClockDriftMs)
    reject('invalid-receipt', 'the receipt ends after the time of this block')
  if (terms.endsAt + CLAIM_WINDOW_MS < ctx.timeMs)
    reject('stale', 'receipts are claimed within 7 days of the lease ending')
  const claimed = state.leaseClaims.get(terms.leaseId)
  if (claimed != null && receipt.startsAt < claimed.claimedToMs)
    reject(
      'duplicate',
      `use of this lease up to ${new Date(claimed.claimedToMs).toISOString()} was already claimed`,
    )
  const schedule = scheduleOf(ctx.params)
  const weighted = weightedUse(BigInt(receipt.unitSeconds), asset.privacy, schedule)
  if (weighted === 0n) reject('invalid-receipt', `a ${asset.privacy} asset earns no reward`)
  // A holder not bound before is bound by the binding its receipt carried (holderKeyRefusal checked it).
  const carried = claim.receipt.holderBinding
  if (state.peerBinding(receipt.holder) == null && carried != null) recordPeerBinding(state, carried)
  state.leaseClaims.set(terms.leaseId, { claimedToMs: receipt.endsAt, leaseEndsAt: terms.endsAt })
  const key = usageKey(asset.owner, asset.resource)
  state.usage.set(key, (state.usage.get(key) ?? 0n) + weighted)
}

/**
 * At the first block of an epoch: pays the tally of the epoch before (at most the emission, pro rata when
 * the claims ask for more), records what was paid, and forgets lease claims too old to be claimed again.
 */
export function beginEpochBlock(state: LedgerState, params: ChainParams): void {
  const schedule = scheduleOf(params)
  for (const [leaseId, claim] of state.leaseClaims)
    if (claim.leaseEndsAt + CLAIM_WINDOW_MS < state.timeMs) state.leaseClaims.delete(leaseId)
  if (state.height % schedule.epochBlocks !== 0 || state.usage.size === 0) return
  const owed = new Map<string, bigint>()
  let total = 0n
  for (const [key, weighted] of [...state.usage].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const amount = rewardFor(weighted, parseUsageKey(key).resource, schedule)
    owed.set(key, amount)
    total += amount
  }
  const emission = BigInt(schedule.emissionPerEpoch)
  const paid = new Map<string, bigint>()
  let minted = 0n
  for (const [key, amount] of owed) {
    const share = total > emission ? (amount * emission) / total : amount
    if (share === 0n) continue
    paid.set(key, share)
    minted += share
    creditEarnings(state, parseUsageKey(key).owner, share)
  }
  state.usage.clear()
  state.issuance = { ...state.issuance, minted: state.issuance.minted + minted }
  state.payouts = { epoch: epochOf(state.height, schedule) - 1, height: state.height, amounts: paid }
}
