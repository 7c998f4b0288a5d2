/**
 * A lease: the capability that lets one peer use another's asset. The asset's owner signs it with its
 * FALCON-1024 node key; it names the network, the asset, the holder (the only peer that may present it),
 * the amount and the time it is valid. The owner checks every lease presented to it against its own key
 * and the authenticated peer on the other end of the STOQ connection, so a lease that was forged, altered,
 * expired, not yet valid, issued to someone else, or for another asset is refused with a reason that names
 * which. The ledger reads leases too, inside usage claims.
 *
 * Field names follow the records convention (./conventions.ts).
 */
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { canonicalBytes, fromBase64, signingBytes, toBase64 } from '../codec'
import { falcon1024Scheme } from '../signature-scheme'
import { decodeRecordJson, RecordId, RecordNetworkId, RecordTime, RECORDS_VERSION } from './conventions'

const LEASE_DOMAIN = 'hypermesh/lease/v2'
/** A signed lease as bytes is a few KiB (a FALCON-1024 signature is about 1.3 KiB); anything far larger is refused unread. */
export const MAX_LEASE_BYTES = 8 * 1024
/** The longest lease an owner issues. */
export const MAX_LEASE_MS = 30 * 24 * 3600 * 1000

const Units = z.string().regex(/^[1-9][0-9]{0,29}$/, 'an amount is a whole number above 0')

export const LeaseTerms = z
  .object({
    v: z.literal(RECORDS_VERSION),
    networkId: RecordNetworkId,
    /** Chosen at random by the owner: the lease's identity in its lease book and on the ledger. */
    leaseId: RecordId,
    assetId: RecordId,
    owner: PeerIdText,
    holder: PeerIdText,
    /** Of the asset's unit: bytes for memory and storage, thousandths of a core for CPU and GPU. */
    amount: Units,
    startsAt: RecordTime,
    endsAt: RecordTime,
  })
  .strict()
  .refine((t) => t.endsAt > t.startsAt, 'a lease ends after it starts')
  .refine((t) => t.endsAt - t.startsAt <= MAX_LEASE_MS, 'a lease lasts at most 30 days')
export type LeaseTerms = z.infer<typeof LeaseTerms>

export const SignedLease = z.object({ terms: LeaseTerms, signature: z.string().min(1).max(4096) }).strict()
export type SignedLease = z.infer<typeof SignedLease>

export type LeaseRefusal =
  | 'malformed'
  | 'oversized'
  | 'bad-signature'
  | 'wrong-owner'
  | 'wrong-holder'
  | 'wrong-asset'
  | 'wrong-network'
  | 'not-yet-valid'
  | 'expired'
  | 'replayed'
  | 'revoked'
  | 'over-capacity'

export class LeaseError extends Error {
  constructor(
    readonly code: LeaseRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'LeaseError'
  }
}

const refuse = (code: LeaseRefusal, message: string): never => {
  throw new LeaseError(code, message)
}

/** Whether `lease` carries a valid signature of `ownerPublicKey` over its terms (never throws). */
export function leaseSignatureValid(lease: SignedLease, ownerPublicKey: Uint8Array): boolean {
  let signature: Uint8Array
  try {
    signature = fromBase64(lease.signature)
  } catch {
    return false
  }
  return falcon1024Scheme.verify(signature, signingBytes(LEASE_DOMAIN, lease.terms), ownerPublicKey)
}

export function signLease(terms: LeaseTerms, ownerSecretKey: Uint8Array): SignedLease {
  const parsed = LeaseTerms.parse(terms)
  const signature = falcon1024Scheme.sign(signingBytes(LEASE_DOMAIN, parsed), ownerSecretKey)
  return { terms: parsed, signature: toBase64(signature) }
}

/** Bytes from the network to a signed lease, refusing oversized input before parsing it. */
export function decodeLease(bytes: Uint8Array): SignedLease {
  const decoded = decodeRecordJson(bytes, SignedLease, { name: 'lease', maxBytes: MAX_LEASE_BYTES })
  if (!decoded.ok) return refuse(decoded.code, decoded.message)
  return decoded.value
}

export const encodeLease = (lease: SignedLease): Uint8Array => canonicalBytes(lease)

export interface LeaseContext {
  /** This node: the owner a lease presented to it must name, and the key that must have signed it. */
  owner: string
  ownerPublicKey: Uint8Array
  networkId: string
  assetId: string
  /** The authenticated peer presenting the lease (the STOQ connection's remote peer). */
  presentedBy: string
  now: number
}

/**
 * Checks a lease presented to its owner; returns its terms or throws LeaseError naming the reason. The
 * cheap comparisons come first, so a stranger's junk costs no signature check.
 */
export function verifyLease(lease: SignedLease, ctx: LeaseContext): LeaseTerms {
  const { terms } = lease
  if (terms.owner !== ctx.owner)
    refuse('wrong-owner', `this lease was issued by ${terms.owner}, not this node`)
  if (terms.networkId !== ctx.networkId) refuse('wrong-network', 'the lease is for another network')
  if (terms.assetId !== ctx.assetId) refuse('wrong-asset', 'the lease is for another asset')
  if (terms.holder !== ctx.presentedBy)
    refuse('wrong-holder', `the lease was issued to ${terms.holder}, not to the peer presenting it`)
  if (ctx.now < terms.startsAt)
    refuse('not-yet-valid', `the lease starts at ${new Date(terms.startsAt).toISOString()}`)
  if (ctx.now >= terms.endsAt) refuse('expired', `the lease ended at ${new Date(terms.endsAt).toISOString()}`)
  if (!leaseSignatureValid(lease, ctx.ownerPublicKey))
    refuse('bad-signature', 'the lease signature does not verify with this node’s FALCON-1024 key')
  return terms
}
