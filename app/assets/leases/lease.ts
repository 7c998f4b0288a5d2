/**
 * Leases: the capability that lets one peer use another's asset. The asset's owner signs it with its
 * FALCON-1024 node key; it names the network, the asset, the holder (the only peer that may present it),
 * the amount, a validity window and a unique nonce. The owner checks every lease presented to it against
 * its own key and the authenticated peer on the other end of the STOQ connection, so a lease that was
 * forged, altered, expired, not yet valid, issued to someone else, or for another asset is refused with a
 * reason that names which.
 */
import { z } from 'zod'
import { NetworkIdText, PeerIdText } from '../../../shared/schemas'
import { canonicalBytes, fromBase64, signingBytes, toBase64 } from '../../consensus/codec'
import { falcon1024Scheme } from '../../consensus/signature-scheme'

const LEASE_DOMAIN = 'hypermesh/lease/v1'
/** A signed lease as bytes is a few KiB (a FALCON-1024 signature is about 1.3 KiB); anything far larger is refused unread. */
export const MAX_LEASE_BYTES = 8 * 1024
/** The longest lease an owner issues. */
export const MAX_LEASE_MS = 30 * 24 * 3600 * 1000

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'an id is 64 hex characters')
const Units = z.string().regex(/^[1-9][0-9]{0,29}$/, 'an amount is a whole number above 0')

export const LeaseTerms = z
  .object({
    v: z.literal(1),
    networkId: NetworkIdText,
    assetId: Hex64,
    owner: PeerIdText,
    holder: PeerIdText,
    /** Of the asset's unit: bytes for memory and storage, thousandths of a core for CPU and GPU. */
    amount: Units,
    notBefore: z.number().int().min(0),
    expiresAt: z.number().int().min(0),
    nonce: Hex64,
  })
  .strict()
  .refine((t) => t.expiresAt > t.notBefore, 'a lease expires after it starts')
  .refine((t) => t.expiresAt - t.notBefore <= MAX_LEASE_MS, 'a lease lasts at most 30 days')
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
  if (bytes.length > MAX_LEASE_BYTES)
    refuse('oversized', `a lease is at most ${MAX_LEASE_BYTES} bytes; this one is ${bytes.length}`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return refuse('malformed', 'a lease is UTF-8 JSON')
  }
  const parsed = SignedLease.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return refuse('malformed', `lease ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
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

/** Checks a lease presented to its owner; returns its terms or throws LeaseError naming the reason. */
export function verifyLease(lease: SignedLease, ctx: LeaseContext): LeaseTerms {
  const { terms } = lease
  if (terms.owner !== ctx.owner)
    refuse('wrong-owner', `this lease was issued by ${terms.owner}, not this node`)
  if (!leaseSignatureValid(lease, ctx.ownerPublicKey))
    refuse('bad-signature', 'the lease signature does not verify with this node’s FALCON-1024 key')
  if (terms.networkId !== ctx.networkId) refuse('wrong-network', 'the lease is for another network')
  if (terms.assetId !== ctx.assetId) refuse('wrong-asset', 'the lease is for another asset')
  if (terms.holder !== ctx.presentedBy)
    refuse('wrong-holder', `the lease was issued to ${terms.holder}, not to the peer presenting it`)
  if (ctx.now < terms.notBefore)
    refuse('not-yet-valid', `the lease starts at ${new Date(terms.notBefore).toISOString()}`)
  if (ctx.now >= terms.expiresAt)
    refuse('expired', `the lease expired at ${new Date(terms.expiresAt).toISOString()}`)
  return terms
}
