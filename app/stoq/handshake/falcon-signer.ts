/**
 * The FALCON-1024 work of a STOQ handshake behind one interface. Signing the transcript takes about 7 ms of
 * one core and verifying the peer's signature about 1 ms; on the event loop that is most of a handshake's
 * CPU, and it stalls every other connection meanwhile. Browsers sign inline ({@link inlineFalconSigner});
 * the node hands both to worker threads (app/node/workers). Every implementation passes
 * ./falcon-signer.suite.ts.
 */
import { falcon1024 } from '@noble/post-quantum/falcon.js'

export interface FalconKeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export interface FalconSigner {
  /** The public key that verifies what {@link sign} signs. */
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
  /** False for a bad or malformed signature or key: never throws for what a peer sent. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>
}

/** FALCON-1024 over bytes a peer sent: anything malformed is simply not a valid signature. */
export function verifyFalconSignature(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return falcon1024.verify(signature, message, publicKey)
  } catch {
    return false
  }
}

/** Signs and verifies on the calling thread. */
export function inlineFalconSigner(keys: FalconKeyPair): FalconSigner {
  return {
    publicKey: keys.publicKey,
    sign: async (message) => falcon1024.sign(message, keys.secretKey),
    verify: async (signature, message, publicKey) => verifyFalconSignature(signature, message, publicKey),
  }
}
