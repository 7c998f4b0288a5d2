/**
 * A peer binding: one node's statement that its libp2p peer id (an Ed25519 key) and its FALCON-1024 node
 * key belong together, signed by both keys. Neither key can be bound to another without the other's
 * secret: an Ed25519 key alone (which a quantum attacker could forge) cannot claim a FALCON key, and a
 * FALCON key cannot claim a peer id. The ledger records one binding per peer id and per account (the
 * account is the FALCON key's address), so every rule that pays or trusts a peer id can look up the one
 * FALCON key that speaks for it (`LedgerState.peerBinding`).
 *
 * A binding names no network: it is a fact about two keys of one node, true on every network, and the
 * transaction that records it names its chain. Otherwise it follows the records convention
 * (./conventions.ts).
 */
import { createPublicKey, verify as verifyEd25519 } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { fromBase64, signingBytes, toBase64 } from '../codec'
import { Base64Text } from '../params'
import { falconSignatureProblem } from '../signature-scheme'
import { RECORDS_VERSION } from './conventions'

const BINDING_DOMAIN = 'hypermesh/peer-binding/v2'
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const ED25519_SIGNATURE_BYTES = 64

export const PeerBinding = z
  .object({
    v: z.literal(RECORDS_VERSION),
    peerId: PeerIdText,
    /** The FALCON-1024 public key, base64. */
    falconKey: Base64Text.max(4096),
  })
  .strict()
export type PeerBinding = z.infer<typeof PeerBinding>

export const SignedPeerBinding = z
  .object({
    binding: PeerBinding,
    /** By the peer id's Ed25519 key, over the binding. */
    identitySignature: Base64Text.max(128),
    /** By the FALCON key, over the same bytes. */
    falconSignature: Base64Text.max(4096),
  })
  .strict()
export type SignedPeerBinding = z.infer<typeof SignedPeerBinding>

/** What signs for the peer id: a libp2p private key has this shape (its `sign` may be async). */
export interface IdentitySigner {
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

export const peerBindingBytes = (binding: PeerBinding): Uint8Array => signingBytes(BINDING_DOMAIN, binding)

/** Binds `peerId` (whose key `identity` is) to the FALCON key pair `falcon`. */
export async function signPeerBinding(
  peerId: string,
  identity: IdentitySigner,
  falcon: { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array | Promise<Uint8Array> },
): Promise<SignedPeerBinding> {
  const binding = PeerBinding.parse({ v: RECORDS_VERSION, peerId, falconKey: toBase64(falcon.publicKey) })
  const bytes = peerBindingBytes(binding)
  const [identitySignature, falconSignature] = await Promise.all([identity.sign(bytes), falcon.sign(bytes)])
  return {
    binding,
    identitySignature: toBase64(identitySignature),
    falconSignature: toBase64(falconSignature),
  }
}

/** The raw Ed25519 key a peer id carries, or null for any other kind of peer id. */
export function ed25519KeyOfPeer(peerId: string): Uint8Array | null {
  try {
    const key = peerIdFromString(peerId).publicKey
    return key?.type === 'Ed25519' ? key.raw : null
  } catch {
    return null
  }
}

/** Ed25519 (RFC 8032) over `message` by a raw 32-byte key; false for anything malformed. Synchronous. */
export function ed25519SignatureValid(
  rawKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (rawKey.length !== 32 || signature.length !== ED25519_SIGNATURE_BYTES) return false
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, rawKey]),
      format: 'der',
      type: 'spki',
    })
    return verifyEd25519(null, message, key, signature)
  } catch {
    return false
  }
}

/**
 * Why a signed binding does not hold, or null when both signatures verify. The cheap checks come first:
 * a peer id that carries no Ed25519 key and a signature of the wrong length cost no verification.
 */
export function peerBindingRefusal(signed: SignedPeerBinding): BindingRefusal | null {
  const { binding } = signed
  const malformed = (message: string): BindingRefusal => ({ code: 'malformed', message })
  const forged = (message: string): BindingRefusal => ({ code: 'bad-signature', message })
  const identityKey = ed25519KeyOfPeer(binding.peerId)
  if (identityKey == null)
    return malformed(`peer id ${binding.peerId} carries no Ed25519 key; only such peers are bound`)
  let identitySignature: Uint8Array
  try {
    identitySignature = fromBase64(signed.identitySignature)
  } catch {
    return malformed('the binding’s identity signature is not base64')
  }
  const bytes = peerBindingBytes(binding)
  if (!ed25519SignatureValid(identityKey, bytes, identitySignature))
    return forged(`the binding is not signed by the key of peer ${binding.peerId}`)
  switch (falconSignatureProblem(binding.falconKey, signed.falconSignature, bytes)) {
    case 'not-base64':
      return malformed('the binding’s FALCON key or signature is not base64')
    case 'not-a-falcon-key':
      return malformed('the binding carries no FALCON-1024 key')
    case 'bad-signature':
      return forged('the binding is not signed by the FALCON key it names')
  }
  return null
}

export interface BindingRefusal {
  code: 'malformed' | 'bad-signature'
  message: string
}
