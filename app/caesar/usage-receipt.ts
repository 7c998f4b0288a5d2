/**
 * Usage receipts: the lease holder's signed statement that it held a lease over a stretch of time. The
 * owner collects them over the leased stream and claims them on the ledger (a `usage-claim` transaction),
 * which pays the owner at the end of the epoch. A receipt is signed with the holder's FALCON-1024 node key,
 * so the owner cannot make one up, and it names the lease, so it cannot be moved to another.
 */
import { z } from 'zod'
import { PeerIdText } from '../../shared/schemas'
import { signingBytes, toBase64 } from '../consensus/codec'
import { Base64Text, HashText } from '../consensus/params'
import { falcon1024Scheme, falconSignatureProblem } from '../consensus/signature-scheme'
import type { LeaseTerms } from '../assets/leases/lease'

const RECEIPT_DOMAIN = 'hypermesh/usage-receipt/v1'

export const UsageReceipt = z
  .object({
    v: z.literal(1),
    /** The ledger the receipt may be claimed on. */
    chainId: HashText,
    leaseNonce: HashText,
    assetId: HashText,
    holder: PeerIdText,
    /** The stretch of time the lease was held, in ms since the epoch; `to` after `from`. */
    fromMs: z.number().int().min(0),
    toMs: z.number().int().min(0),
    /** Amount·seconds of the lease's unit (at most the leased amount times the stretch). */
    unitSeconds: z.string().regex(/^[1-9][0-9]{0,35}$/, 'use is a whole number above 0'),
  })
  .strict()
  .refine((r) => r.toMs > r.fromMs, 'a receipt ends after it starts')
export type UsageReceipt = z.infer<typeof UsageReceipt>

export const SignedUsageReceipt = z
  .object({ receipt: UsageReceipt, holderKey: Base64Text.max(4096), signature: Base64Text.max(4096) })
  .strict()
export type SignedUsageReceipt = z.infer<typeof SignedUsageReceipt>

/** The most a stretch of holding a lease can have used: the leased amount for each whole second. */
export const maxUnitSeconds = (amount: string, fromMs: number, toMs: number): bigint =>
  (BigInt(amount) * BigInt(toMs - fromMs)) / 1000n

/** The holder's receipt for holding `lease` from `fromMs` to `toMs`, at the full leased amount. */
export function signUsageReceipt(
  lease: LeaseTerms,
  span: { chainId: string; fromMs: number; toMs: number },
  holderKey: { publicKey: Uint8Array; secretKey: Uint8Array },
): SignedUsageReceipt | null {
  const unitSeconds = maxUnitSeconds(lease.amount, span.fromMs, span.toMs)
  if (unitSeconds <= 0n) return null
  const receipt = UsageReceipt.parse({
    v: 1,
    chainId: span.chainId,
    leaseNonce: lease.nonce,
    assetId: lease.assetId,
    holder: lease.holder,
    fromMs: span.fromMs,
    toMs: span.toMs,
    unitSeconds: unitSeconds.toString(),
  })
  const signature = falcon1024Scheme.sign(signingBytes(RECEIPT_DOMAIN, receipt), holderKey.secretKey)
  return { receipt, holderKey: toBase64(holderKey.publicKey), signature: toBase64(signature) }
}

/** Why a receipt does not stand for `lease`, or null when it does. Checks everything but the time. */
export function receiptRefusal(
  signed: SignedUsageReceipt,
  lease: LeaseTerms,
  chainId: string,
): string | null {
  const { receipt } = signed
  if (receipt.chainId !== chainId) return 'the receipt is for another ledger'
  if (
    receipt.leaseNonce !== lease.nonce ||
    receipt.assetId !== lease.assetId ||
    receipt.holder !== lease.holder
  )
    return 'the receipt names another lease'
  if (receipt.fromMs < lease.notBefore || receipt.toMs > lease.expiresAt)
    return 'the receipt covers time outside the lease'
  if (BigInt(receipt.unitSeconds) > maxUnitSeconds(lease.amount, receipt.fromMs, receipt.toMs))
    return `the receipt claims more than the leased ${lease.amount} for ${receipt.toMs - receipt.fromMs} ms`
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
