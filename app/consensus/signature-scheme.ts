/**
 * Signature schemes for validator votes, blocks and transactions. The ledger names its scheme in the
 * genesis document; FALCON-1024 is the default (the node key every HyperMesh node already has), ML-DSA-87
 * the agile alternative. Both come from @noble/post-quantum.
 */
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js'

export interface SignatureScheme {
  readonly name: string
  readonly publicKeyBytes: number
  /** Length of the seed keygen takes. */
  readonly seedBytes: number
  /** The largest signature this scheme produces; anything longer is refused unread. */
  readonly maxSignatureBytes: number
  keygen(seed?: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array }
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array
  /** False for a wrong, forged or malformed signature or key; never throws. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
}

function guardedVerify(
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean,
  publicKeyBytes: number,
  maxSignatureBytes: number,
): SignatureScheme['verify'] {
  return (signature, message, publicKey) => {
    if (publicKey.length !== publicKeyBytes) return false
    if (signature.length === 0 || signature.length > maxSignatureBytes) return false
    try {
      return verify(signature, message, publicKey)
    } catch {
      // noble throws on undecodable input; to a verifier that is simply a bad signature
      return false
    }
  }
}

export const falcon1024Scheme: SignatureScheme = {
  name: 'falcon-1024',
  publicKeyBytes: falcon1024.lengths.publicKey ?? 1793,
  seedBytes: falcon1024.lengths.seed ?? 48,
  maxSignatureBytes: falcon1024.lengths.signature ?? 1462,
  keygen: (seed) => falcon1024.keygen(seed),
  sign: (message, secretKey) => falcon1024.sign(message, secretKey),
  verify: guardedVerify(
    (s, m, k) => falcon1024.verify(s, m, k),
    falcon1024.lengths.publicKey ?? 1793,
    falcon1024.lengths.signature ?? 1462,
  ),
}

export const mlDsa87Scheme: SignatureScheme = {
  name: 'ml-dsa-87',
  publicKeyBytes: ml_dsa87.lengths.publicKey ?? 2592,
  seedBytes: ml_dsa87.lengths.seed ?? 32,
  maxSignatureBytes: ml_dsa87.lengths.signature ?? 4627,
  keygen: (seed) => ml_dsa87.keygen(seed),
  sign: (message, secretKey) => ml_dsa87.sign(message, secretKey),
  verify: guardedVerify(
    (s, m, k) => ml_dsa87.verify(s, m, k),
    ml_dsa87.lengths.publicKey ?? 2592,
    ml_dsa87.lengths.signature ?? 4627,
  ),
}

export const LEDGER_SCHEMES = { 'falcon-1024': falcon1024Scheme, 'ml-dsa-87': mlDsa87Scheme } as const
export type LedgerSchemeName = keyof typeof LEDGER_SCHEMES
