/**
 * Noise symmetric state (Noise Protocol Framework rev. 34, §5.1–5.2) with SHA-256 and ChaCha20-Poly1305,
 * both from node:crypto. Names follow the spec: mixHash, mixKey, encryptAndHash, decryptAndHash, split.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto'

export const HASHLEN = 32
export const TAGLEN = 16
const MAX_NONCE = 2n ** 64n - 1n

export class HandshakeCryptoError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HandshakeCryptoError'
  }
}

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}
const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => {
  const h = createHmac('sha256', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Noise HKDF (§4.3): two or three 32-byte outputs from the chaining key and input key material. */
export function hkdf(chainingKey: Uint8Array, ikm: Uint8Array, outputs: 2 | 3): Uint8Array[] {
  const tempKey = hmac(chainingKey, ikm)
  const out1 = hmac(tempKey, Uint8Array.of(1))
  const out2 = hmac(tempKey, out1, Uint8Array.of(2))
  if (outputs === 2) return [out1, out2]
  return [out1, out2, hmac(tempKey, out2, Uint8Array.of(3))]
}

/** ChaChaPoly nonce (§12.3): 32 bits of zeros, then the 64-bit counter little-endian. */
export function nonceBytes(n: bigint): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64LE(n, 4)
  return nonce
}

/** Noise CipherState (§5.1). */
export class CipherState {
  private n = 0n
  constructor(private readonly k: Uint8Array | null = null) {}

  hasKey(): boolean {
    return this.k != null
  }

  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.k == null) return plaintext
    const cipher = createCipheriv('chacha20-poly1305', this.k, this.nextNonce(), { authTagLength: TAGLEN })
    cipher.setAAD(ad, { plaintextLength: plaintext.length })
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  }

  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.k == null) return ciphertext
    if (ciphertext.length < TAGLEN) throw new HandshakeCryptoError('ciphertext shorter than its tag')
    const decipher = createDecipheriv('chacha20-poly1305', this.k, this.nextNonce(), {
      authTagLength: TAGLEN,
    })
    decipher.setAAD(ad, { plaintextLength: ciphertext.length - TAGLEN })
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAGLEN))
    try {
      return Buffer.concat([
        decipher.update(ciphertext.subarray(0, ciphertext.length - TAGLEN)),
        decipher.final(),
      ])
    } catch {
      throw new HandshakeCryptoError('decryption failed: the message was altered or keys differ')
    }
  }

  /** The key, for transport states made by split(). */
  key(): Uint8Array {
    if (this.k == null) throw new HandshakeCryptoError('cipher state has no key')
    return this.k
  }

  private nextNonce(): Buffer {
    if (this.n >= MAX_NONCE) throw new HandshakeCryptoError('nonce space exhausted')
    return nonceBytes(this.n++)
  }
}

/** Noise SymmetricState (§5.2). */
export class SymmetricState {
  private ck: Uint8Array
  private h: Uint8Array
  private cipher = new CipherState()

  constructor(protocolName: string) {
    const name = new TextEncoder().encode(protocolName)
    this.h =
      name.length <= HASHLEN ? Buffer.concat([name, Buffer.alloc(HASHLEN - name.length)]) : sha256(name)
    this.ck = this.h
  }

  handshakeHash(): Uint8Array {
    return this.h
  }

  mixHash(data: Uint8Array): void {
    this.h = sha256(this.h, data)
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = hkdf(this.ck, ikm, 2) as [Uint8Array, Uint8Array]
    this.ck = ck
    this.cipher = new CipherState(tempK)
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
    const [k1, k2] = hkdf(this.ck, new Uint8Array(0), 2) as [Uint8Array, Uint8Array]
    return [k1, k2]
  }
}
