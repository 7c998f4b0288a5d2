/**
 * Usage receipts: the lease holder's signed statement that it held a lease over a stretch of time. The
 * owner collects them over the leased stream and claims them on the ledger (a `usage-claim` transaction),
 * which pays the owner at the end of the epoch. A receipt is signed with the holder's FALCON-1024 node key,
 * so the owner cannot make one up, and it names the lease, so it cannot be moved to another. The key must
 * be the one bound to the holder's peer id (./peer-binding.ts): on the ledger already, or by the holder's
 * binding the receipt carries, so an owner cannot sign its own receipts with a fresh key.
 *
 * Field names follow the records convention (./conventions.ts).
 */
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { signingBytes, toBase64 } from '../codec'
import { Base64Text } from '../params'
import { falcon1024Scheme, falconSignatureProblem } from '../signature-scheme'
import { RecordId, RecordNetworkId, RecordTime, RECORDS_VERSION } from './conventions'
import type { LeaseTerms } from './lease'
import { SignedPeerBinding } from './peer-binding'

const RECEIPT_DOMAIN = 'hypermesh/usage-receipt/v2'

export const UsageReceipt = z
  .object({
    v: z.literal(RECORDS_VERSION),
    /** The network whose ledger the receipt may be claimed on. */
    networkId: RecordNetworkId,
    leaseId: RecordId,
    assetId: RecordId,
    holder: PeerIdText,
    /** The stretch of time the lease was held. */
    startsAt: RecordTime,
    endsAt: RecordTime,
    /** Amount·seconds of the lease's unit (at most the leased amount times the stretch). */
    unitSeconds: z.string().regex(/^[1-9][0-9]{0,35}$/, 'use is a whole number above 0'),
  })
  .strict()
  .refine((r) => r.endsAt > r.startsAt, 'a receipt ends after it starts')
export type UsageReceipt = z.infer<typeof UsageReceipt>

export const SignedUsageReceipt = z
  .object({
    receipt: UsageReceipt,
    holderKey: Base64Text.max(4096),
    signature: Base64Text.max(4096),
    /** The holder's binding of its peer id to `holderKey`, for a ledger that has not recorded it yet. */
    holderBinding: SignedPeerBinding.optional(),
  })
  .strict()
export type SignedUsageReceipt = z.infer<typeof SignedUsageReceipt>

/** The most a stretch of holding a lease can have used: the leased amount for each whole second. */
export const maxUnitSeconds = (amount: string, startsAt: number, endsAt: number): bigint =>
  (BigInt(amount) * BigInt(endsAt - startsAt)) / 1000n

/** The holder's receipt for holding `lease` from `startsAt` to `endsAt`, at the full leased amount. */
export function signUsageReceipt(
  lease: LeaseTerms,
  span: { startsAt: number; endsAt: number },
  holderKey: { publicKey: Uint8Array; secretKey: Uint8Array },
  holderBinding?: SignedPeerBinding,
): SignedUsageReceipt | null {
  const unitSeconds = maxUnitSeconds(lease.amount, span.startsAt, span.endsAt)
  if (unitSeconds <= 0n) return null
  const receipt = UsageReceipt.parse({
    v: RECORDS_VERSION,
    // A receipt is claimable on the lease's network only.
    networkId: lease.networkId,
    leaseId: lease.leaseId,
    assetId: lease.assetId,
    holder: lease.holder,
    startsAt: span.startsAt,
    endsAt: span.endsAt,
    unitSeconds: unitSeconds.toString(),
  })
  const signature = falcon1024Scheme.sign(signingBytes(RECEIPT_DOMAIN, receipt), holderKey.secretKey)
  return {
    receipt,
    holderKey: toBase64(holderKey.publicKey),
    signature: toBase64(signature),
    ...(holderBinding == null ? {} : { holderBinding }),
  }
}

/** Why a receipt does not stand for `lease`, or null when it does. Checks everything but the time. */
export function receiptRefusal(
  signed: SignedUsageReceipt,
  lease: LeaseTerms,
  networkId: string,
): string | null {
  const { receipt } = signed
  if (receipt.networkId !== networkId) return 'the receipt is for another network'
  if (
    receipt.leaseId !== lease.leaseId ||
    receipt.assetId !== lease.assetId ||
    receipt.holder !== lease.holder
  )
    return 'the receipt names another lease'
  if (receipt.startsAt < lease.startsAt || receipt.endsAt > lease.endsAt)
    return 'the receipt covers time outside the lease'
  if (BigInt(receipt.unitSeconds) > maxUnitSeconds(lease.amount, receipt.startsAt, receipt.endsAt))
    return `the receipt claims more than the leased ${lease.amount} for ${receipt.endsAt - receipt.startsAt} ms`
  switch (falconSignatureProblem(signed.holderKey, signed.signature, signingBytes(RECEIPT_DOMAIN, receipt))) {
    case 'not-base64':
      return 'the receipt key or signature is not base64'
    case 'not-a-falcon-key':
      return 'the receipt carries no FALCON-1024 key'
    case 'bad-signature':
      return 'the receipt signature does not verify with the holder key it carries'
  }
  return null
}
