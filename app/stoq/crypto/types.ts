/**
 * The primitives STOQ is built from, behind one interface so that the same handshake and framing run in
 * Node (node:crypto, native and fast) and in a browser (@noble, audited pure JavaScript). Every
 * implementation passes the suite in ./crypto.test.ts, and each interoperates with the other.
 */

export class StoqCryptoError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoqCryptoError'
  }
}

export interface X25519KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/**
 * The AEADs a connection's frames may use, negotiated in the handshake. AES-256-GCM is about 1.7 times
 * as fast as ChaCha20-Poly1305 where the CPU has AES instructions (node:crypto on x86-64 and ARM64);
 * ChaCha20-Poly1305 is faster in pure JavaScript (browsers) and on CPUs without them.
 */
export const FRAME_CIPHER_NAMES = ['aes-256-gcm', 'chacha20-poly1305'] as const
export type FrameCipherName = (typeof FRAME_CIPHER_NAMES)[number]

export const isFrameCipherName = (name: string): name is FrameCipherName =>
  (FRAME_CIPHER_NAMES as readonly string[]).includes(name)

/**
 * The initiator's first choice that the responder also offers, so both ends agree; null when they share
 * none. Names this version does not know are passed over.
 */
export function chooseFrameCipher(
  initiator: readonly string[],
  responder: readonly string[],
): FrameCipherName | null {
  return (
    initiator.find((name): name is FrameCipherName => isFrameCipherName(name) && responder.includes(name)) ??
    null
  )
}

/** One direction of a connection's frames: an AEAD key and its own nonce counter. */
export interface FrameSealer {
  /** Encrypts `parts` (one plaintext, given in pieces) with the next nonce; returns ciphertext ‖ tag pieces. */
  seal(parts: Iterable<Uint8Array>, nonce: Uint8Array): Uint8Array[]
  /** Decrypts ciphertext given in pieces, the 16-byte `tag` apart; throws StoqCryptoError if it fails. */
  open(parts: Iterable<Uint8Array>, tag: Uint8Array, nonce: Uint8Array): Uint8Array[]
}

export interface StoqCrypto {
  readonly name: string
  sha256(...parts: Uint8Array[]): Uint8Array
  hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array
  /** ChaCha20-Poly1305 with associated data: ciphertext ‖ 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** Throws StoqCryptoError if the tag does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array): Uint8Array
  x25519Keygen(): X25519KeyPair
  /** The public key of a 32-byte secret. */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array
  /** The shared secret; throws StoqCryptoError for an invalid or low-order peer key (all-zero result). */
  x25519(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array
  /** The frame ciphers this implementation offers, fastest here first. */
  readonly frameCiphers: readonly FrameCipherName[]
  frameSealer(key: Uint8Array, cipher: FrameCipherName): FrameSealer
}

export const TAG_LENGTH = 16
export const X25519_LENGTH = 32

export const isAllZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0)
