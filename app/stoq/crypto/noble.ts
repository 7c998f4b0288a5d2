/**
 * STOQ's primitives from @noble (audited, pure JavaScript): for browsers, where node:crypto does not exist.
 * Slower than node:crypto for bulk data; the handshake's cost is dominated by FALCON either way.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { gcm } from '@noble/ciphers/aes.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  isAllZero,
  StoqCryptoError,
  TAG_LENGTH,
  X25519_LENGTH,
  type FrameCipherName,
  type StoqCrypto,
} from './types'

const frameAead = (cipher: FrameCipherName, key: Uint8Array, nonce: Uint8Array) =>
  cipher === 'aes-256-gcm' ? gcm(key, nonce) : chacha20poly1305(key, nonce)

const concat = (parts: Iterable<Uint8Array>): Uint8Array => {
  const list = [...parts]
  if (list.length === 1) return list[0] as Uint8Array
  const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of list) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const open = (
  key: Uint8Array,
  nonce: Uint8Array,
  ad: Uint8Array | undefined,
  sealed: Uint8Array,
): Uint8Array => {
  if (sealed.length < TAG_LENGTH) throw new StoqCryptoError('ciphertext shorter than its tag')
  try {
    return chacha20poly1305(key, nonce, ad).decrypt(sealed)
  } catch {
    throw new StoqCryptoError('decryption failed: the message was altered or keys differ')
  }
}

export const nobleCrypto: StoqCrypto = {
  name: '@noble',
  sha256: (...parts) => {
    const h = sha256.create()
    for (const p of parts) h.update(p)
    return h.digest()
  },
  hmacSha256: (key, ...parts) => {
    const h = hmac.create(sha256, key)
    for (const p of parts) h.update(p)
    return h.digest()
  },
  seal: (key, nonce, ad, plaintext) => chacha20poly1305(key, nonce, ad).encrypt(plaintext),
  open,
  x25519Keygen: () => {
    const { secretKey, publicKey } = x25519.keygen()
    return { secretKey, publicKey }
  },
  x25519PublicKey: (secretKey) => {
    if (secretKey.length !== X25519_LENGTH) throw new StoqCryptoError('an X25519 secret key is 32 bytes')
    return x25519.getPublicKey(secretKey)
  },
  x25519: (secretKey, peerPublicKey) => {
    let shared: Uint8Array
    try {
      shared = x25519.getSharedSecret(secretKey, peerPublicKey)
    } catch {
      throw new StoqCryptoError('invalid X25519 public key')
    }
    if (isAllZero(shared)) throw new StoqCryptoError('low-order X25519 public key')
    return shared
  },
  // In pure JavaScript ChaCha20-Poly1305 is the faster one.
  frameCiphers: ['chacha20-poly1305', 'aes-256-gcm'],
  frameSealer: (key, cipher) => ({
    seal: (parts, nonce) => [frameAead(cipher, key, nonce).encrypt(concat(parts))],
    open: (parts, tag, nonce) => {
      try {
        return [frameAead(cipher, key, nonce).decrypt(concat([...parts, tag]))]
      } catch {
        throw new StoqCryptoError(
          'a frame failed authentication: the data was altered, replayed or reordered',
        )
      }
    },
  }),
}
