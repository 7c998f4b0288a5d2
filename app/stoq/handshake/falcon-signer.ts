/**
 * The FALCON-1024 work of a STOQ handshake behind one interface. Signing the transcript takes about 7 ms of
 * one core and verifying the peer's signature about 1 ms; on the event loop that is most of a handshake's
 * CPU, and it stalls every other connection meanwhile. Browsers sign inline ({@link inlineFalconSigner})
 * with @noble; the node signs with liboqs's constant-time Falcon (app/consensus/falcon-liboqs.ts), on
 * worker threads (app/node/workers). Every implementation passes ./falcon-signer.suite.ts.
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

/** A FALCON-1024 implementation: what signs and what checks. `verify` never throws for a peer's bytes. */
export interface FalconImplementation {
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
}

/**
 * @noble's FALCON-1024. Its signing is not constant-time (data-dependent sampling, native floating point):
 * fit for a browser peer, which signs only as the initiator, after the node it dialed has proved who it
 * is, and whose key is by default new on every page (docs/stoq.md). A node passes a constant-time one.
 */
export const nobleFalcon: FalconImplementation = {
  sign: (message, secretKey) => falcon1024.sign(message, secretKey),
  verify: verifyFalconSignature,
}

/** Signs and verifies on the calling thread, with `falcon` (@noble's unless given). */
export function inlineFalconSigner(
  keys: FalconKeyPair,
  falcon: FalconImplementation = nobleFalcon,
): FalconSigner {
  return {
    publicKey: keys.publicKey,
    sign: async (message) => falcon.sign(message, keys.secretKey),
    verify: async (signature, message, publicKey) => falcon.verify(signature, message, publicKey),
  }
}
