/**
 * Noise symmetric state (Noise Protocol Framework rev. 34, §5.1–5.2) with SHA-256 and ChaCha20-Poly1305,
 * from a StoqCrypto (node:crypto in nodes, @noble in browsers). Names follow the spec: mixHash, mixKey,
 * encryptAndHash, decryptAndHash, split.
 */
import { defaultCrypto } from '../crypto/default'
import { StoqCryptoError, type StoqCrypto } from '../crypto/types'

export const HASHLEN = 32
export const TAGLEN = 16
const MAX_NONCE = 2n ** 64n - 1n

export class HandshakeCryptoError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HandshakeCryptoError'
  }
}

/** Noise HKDF (§4.3): two or three 32-byte outputs from the chaining key and input key material. */
export function hkdf(
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  outputs: 2 | 3,
  crypto: StoqCrypto = defaultCrypto,
): Uint8Array[] {
  const hmac = (key: Uint8Array, ...parts: Uint8Array[]) => crypto.hmacSha256(key, ...parts)
  const tempKey = hmac(chainingKey, ikm)
  const out1 = hmac(tempKey, Uint8Array.of(1))
  const out2 = hmac(tempKey, out1, Uint8Array.of(2))
  if (outputs === 2) return [out1, out2]
  return [out1, out2, hmac(tempKey, out2, Uint8Array.of(3))]
}

/** ChaChaPoly nonce (§12.3): 32 bits of zeros, then the 64-bit counter little-endian. */
export function nonceBytes(n: bigint): Uint8Array {
  const nonce = new Uint8Array(12)
  new DataView(nonce.buffer).setBigUint64(4, n, true)
  return nonce
}

/** Noise CipherState (§5.1). */
export class CipherState {
  private n = 0n
  constructor(
    private readonly k: Uint8Array | null = null,
    private readonly crypto: StoqCrypto = defaultCrypto,
  ) {}

  hasKey(): boolean {
    return this.k != null
  }

  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.k == null) return plaintext
    return this.crypto.seal(this.k, this.nextNonce(), ad, plaintext)
  }

  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.k == null) return ciphertext
    if (ciphertext.length < TAGLEN) throw new HandshakeCryptoError('ciphertext shorter than its tag')
    try {
      return this.crypto.open(this.k, this.nextNonce(), ad, ciphertext)
    } catch (err) {
      if (err instanceof StoqCryptoError) {
        throw new HandshakeCryptoError('decryption failed: the message was altered or keys differ')
      }
      throw err
    }
  }

  /** The key, for transport states made by split(). */
  key(): Uint8Array {
    if (this.k == null) throw new HandshakeCryptoError('cipher state has no key')
    return this.k
  }

  private nextNonce(): Uint8Array {
    if (this.n >= MAX_NONCE) throw new HandshakeCryptoError('nonce space exhausted')
    return nonceBytes(this.n++)
  }
}

/** Noise SymmetricState (§5.2). */
export class SymmetricState {
  private ck: Uint8Array
  private h: Uint8Array
  private cipher: CipherState

  constructor(
    protocolName: string,
    private readonly crypto: StoqCrypto = defaultCrypto,
  ) {
    const name = new TextEncoder().encode(protocolName)
    if (name.length <= HASHLEN) {
      this.h = new Uint8Array(HASHLEN)
      this.h.set(name)
    } else this.h = crypto.sha256(name)
    this.ck = this.h
    this.cipher = new CipherState(null, crypto)
  }

  handshakeHash(): Uint8Array {
    return this.h
  }

  mixHash(data: Uint8Array): void {
    this.h = this.crypto.sha256(this.h, data)
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = hkdf(this.ck, ikm, 2, this.crypto) as [Uint8Array, Uint8Array]
    this.ck = ck
    this.cipher = new CipherState(tempK, this.crypto)
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cipher.encryptWithAd(this.h, plaintext)
    this.mixHash(ciphertext)
    return ciphertext
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.cipher.decryptWithAd(this.h, ciphertext)
    this.mixHash(ciphertext)
    return plaintext
  }

  /** Expected ciphertext length for a plaintext of `length` bytes at this point of the handshake. */
  sealedLength(length: number): number {
    return this.cipher.hasKey() ? length + TAGLEN : length
  }

  /** The two transport keys: initiator→responder, responder→initiator. */
  split(): [Uint8Array, Uint8Array] {
    const [k1, k2] = hkdf(this.ck, new Uint8Array(0), 2, this.crypto) as [Uint8Array, Uint8Array]
    return [k1, k2]
  }
}
