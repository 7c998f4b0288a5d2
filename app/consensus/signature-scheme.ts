/**
 * Signature schemes for validator votes, blocks and transactions. The ledger names its scheme in the
 * genesis document; FALCON-1024 is the default (the node key every HyperMesh node already has), ML-DSA-87
 * the agile alternative. FALCON-1024 signs and verifies with liboqs (./falcon-liboqs.ts: constant-time
 * signing, and verification about 8 times faster) and derives keys from seeds with @noble/post-quantum;
 * ML-DSA-87 is @noble/post-quantum's.
 */
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { ml_dsa87 } from '@noble/post-quantum/ml-dsa.js'
import { fromBase64 } from './codec'
import { liboqsFalcon1024 } from './falcon-liboqs'

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

/** The shape both @noble/post-quantum signers share (and liboqs's, with @noble's keygen). */
interface NobleSigner {
  keygen(seed?: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array }
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
}

/**
 * A SignatureScheme over a noble signer. Verification refuses wrong-sized keys and signatures before the
 * math, and turns noble's exceptions on undecodable input into a plain "no".
 */
function nobleScheme(
  name: string,
  signer: NobleSigner,
  sizes: { publicKeyBytes: number; seedBytes: number; maxSignatureBytes: number },
): SignatureScheme {
  return {
    name,
    ...sizes,
    keygen: (seed) => signer.keygen(seed),
    sign: (message, secretKey) => signer.sign(message, secretKey),
    verify: (signature, message, publicKey) => {
      if (publicKey.length !== sizes.publicKeyBytes) return false
      if (signature.length === 0 || signature.length > sizes.maxSignatureBytes) return false
      try {
        return signer.verify(signature, message, publicKey)
      } catch {
        return false
      }
    },
  }
}

const falconSizes = {
  publicKeyBytes: falcon1024.lengths.publicKey ?? 1793,
  seedBytes: falcon1024.lengths.seed ?? 48,
  // Falcon signatures vary in length; 1462 bytes bounds the compressed FALCON-1024 format.
  maxSignatureBytes: 1462,
}

/** FALCON-1024 as the node signs and verifies it: liboqs, constant-time signing. */
export const falcon1024Scheme = nobleScheme(
  'falcon-1024',
  { keygen: (seed) => falcon1024.keygen(seed), ...liboqsFalcon1024 },
  falconSizes,
)

/**
 * FALCON-1024 all from @noble: signing is not constant-time, so the node does not sign with it. It is here
 * so that both implementations are held to one suite (each verifies what the other signs).
 */
export const nobleFalcon1024Scheme = nobleScheme('falcon-1024 (@noble)', falcon1024, falconSizes)

export const mlDsa87Scheme = nobleScheme('ml-dsa-87', ml_dsa87, {
  publicKeyBytes: ml_dsa87.lengths.publicKey ?? 2592,
  seedBytes: ml_dsa87.lengths.seed ?? 32,
  maxSignatureBytes: ml_dsa87.lengths.signature ?? 4627,
})

/** The schemes a genesis document may name (ChainParams.scheme). */
export const LEDGER_SCHEMES = { 'falcon-1024': falcon1024Scheme, 'ml-dsa-87': mlDsa87Scheme } as const
export type LedgerSchemeName = keyof typeof LEDGER_SCHEMES

/**
 * Checks a FALCON-1024 signature carried as base64 with its base64 key: null when it verifies, or what is
 * wrong (for the caller to say in its own words). Never throws.
 */
export function falconSignatureProblem(
  publicKeyBase64: string,
  signatureBase64: string,
  message: Uint8Array,
): 'not-base64' | 'not-a-falcon-key' | 'bad-signature' | null {
  let publicKey: Uint8Array
  let signature: Uint8Array
  try {
    publicKey = fromBase64(publicKeyBase64)
    signature = fromBase64(signatureBase64)
  } catch {
    return 'not-base64'
  }
  if (publicKey.length !== falcon1024Scheme.publicKeyBytes) return 'not-a-falcon-key'
  return falcon1024Scheme.verify(signature, message, publicKey) ? null : 'bad-signature'
}
