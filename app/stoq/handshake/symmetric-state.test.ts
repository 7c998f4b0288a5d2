import { describe, it, expect } from 'vitest'
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import {
  CipherState,
  HandshakeCryptoError,
  HASHLEN,
  hkdf,
  nonceBytes,
  SymmetricState,
  TAGLEN,
} from './symmetric-state'
import { STOQ_NOISE_PROTOCOL } from './xxhfs'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha256', key)
  for (const part of parts) h.update(part)
  return h.digest()
}
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return h.digest()
}

describe('Noise HKDF (§4.3)', () => {
  const ck = randomBytes(32)
  const ikm = randomBytes(45)

  it('computes out1 = HMAC(HMAC(ck, ikm), 0x01), out2 and out3 chained on the previous output', () => {
    const tempKey = hmac(ck, ikm)
    const out1 = hmac(tempKey, Uint8Array.of(1))
    const out2 = hmac(tempKey, out1, Uint8Array.of(2))
    const out3 = hmac(tempKey, out2, Uint8Array.of(3))
    expect(hkdf(ck, ikm, 3).map(hex)).toEqual([out1, out2, out3].map(hex))
    expect(hkdf(ck, ikm, 2).map(hex)).toEqual([out1, out2].map(hex))
  })

  it('equals RFC 5869 HKDF-SHA256 with the chaining key as salt and empty info (node:crypto)', () => {
    for (const input of [ikm, new Uint8Array(0)]) {
      const expected = Buffer.from(hkdfSync('sha256', input, ck, new Uint8Array(0), 3 * HASHLEN))
      expect(hex(Buffer.concat(hkdf(ck, input, 3)))).toBe(hex(expected))
    }
  })
})

describe('SymmetricState (§5.2)', () => {
  it('pads a protocol name of at most 32 bytes with zeros into h', () => {
    expect(hex(new SymmetricState('Noise_NN').handshakeHash())).toBe(
      hex(Buffer.concat([Buffer.from('Noise_NN'), Buffer.alloc(HASHLEN - 8)])),
    )
    const exactly32 = 'Noise_XX_25519_ChaChaPoly_SHA256'
    expect(exactly32).toHaveLength(HASHLEN)
    expect(hex(new SymmetricState(exactly32).handshakeHash())).toBe(hex(Buffer.from(exactly32)))
  })

  it('hashes a protocol name longer than 32 bytes (the STOQ name) into h', () => {
    expect(Buffer.byteLength(STOQ_NOISE_PROTOCOL)).toBeGreaterThan(HASHLEN)
    expect(hex(new SymmetricState(STOQ_NOISE_PROTOCOL).handshakeHash())).toBe(
      hex(sha256(Buffer.from(STOQ_NOISE_PROTOCOL))),
    )
  })

  it('starts with ck = h, so split() of a fresh state is HKDF(h, empty)', () => {
    const h = sha256(Buffer.from(STOQ_NOISE_PROTOCOL))
    expect(new SymmetricState(STOQ_NOISE_PROTOCOL).split().map(hex)).toEqual(
      hkdf(h, new Uint8Array(0), 2).map(hex),
    )
  })

  it('mixHash sets h = SHA-256(h ‖ data)', () => {
    const state = new SymmetricState(STOQ_NOISE_PROTOCOL)
    const before = state.handshakeHash()
    const data = randomBytes(20)
    state.mixHash(data)
    expect(hex(state.handshakeHash())).toBe(hex(sha256(before, data)))
  })

  it('passes plaintext through before the first mixKey, and encrypts (with a tag) after it', () => {
    const state = new SymmetricState(STOQ_NOISE_PROTOCOL)
    const plaintext = randomBytes(10)
    expect(hex(state.encryptAndHash(plaintext))).toBe(hex(plaintext))
    expect(state.sealedLength(10)).toBe(10)
    state.mixKey(randomBytes(32))
    const sealed = state.encryptAndHash(plaintext)
    expect(sealed).toHaveLength(10 + TAGLEN)
    expect(state.sealedLength(10)).toBe(10 + TAGLEN)
  })

  it('decryptAndHash on a peer in the same state recovers the plaintext and keeps h equal', () => {
    const [a, b] = [new SymmetricState(STOQ_NOISE_PROTOCOL), new SymmetricState(STOQ_NOISE_PROTOCOL)]
    const secret = randomBytes(32)
    a.mixKey(secret)
    b.mixKey(secret)
    for (const message of ['first', 'second', '']) {
      const sealed = a.encryptAndHash(Buffer.from(message))
      expect(Buffer.from(b.decryptAndHash(sealed)).toString()).toBe(message)
      expect(hex(a.handshakeHash())).toBe(hex(b.handshakeHash()))
    }
    expect(a.split().map(hex)).toEqual(b.split().map(hex))
  })

  it('refuses a ciphertext sealed under a different transcript hash (the AD)', () => {
    const [a, b] = [new SymmetricState(STOQ_NOISE_PROTOCOL), new SymmetricState(STOQ_NOISE_PROTOCOL)]
    const secret = randomBytes(32)
    a.mixKey(secret)
    b.mixKey(secret)
    b.mixHash(Uint8Array.of(1))
    expect(() => b.decryptAndHash(a.encryptAndHash(Buffer.from('hello')))).toThrow(HandshakeCryptoError)
  })
})

describe('CipherState (§5.1) and the ChaChaPoly nonce (§12.3)', () => {
  const key = randomBytes(32)
  const ad = Buffer.from('associated data')

  it('encrypts the same plaintext differently each time (the nonce increases)', () => {
    const cipher = new CipherState(key)
    const plaintext = Buffer.from('same plaintext')
    const first = cipher.encryptWithAd(ad, plaintext)
    const second = cipher.encryptWithAd(ad, plaintext)
    expect(hex(first)).not.toBe(hex(second))
    const receiver = new CipherState(key)
    expect(Buffer.from(receiver.decryptWithAd(ad, first)).toString()).toBe('same plaintext')
    expect(Buffer.from(receiver.decryptWithAd(ad, second)).toString()).toBe('same plaintext')
  })

  it('is ChaCha20-Poly1305 under nonce n = 0, 1, … with the tag appended', () => {
    const cipher = new CipherState(key)
    for (const n of [0n, 1n, 2n]) {
      const plaintext = randomBytes(33)
      const reference = createCipheriv('chacha20-poly1305', key, nonceBytes(n), { authTagLength: TAGLEN })
      reference.setAAD(ad, { plaintextLength: plaintext.length })
      const expected = Buffer.concat([reference.update(plaintext), reference.final(), reference.getAuthTag()])
      expect(hex(cipher.encryptWithAd(ad, plaintext))).toBe(hex(expected))
    }
  })

  it('refuses a ciphertext under the wrong AD', () => {
    const sealed = new CipherState(key).encryptWithAd(ad, Buffer.from('hello'))
    expect(() => new CipherState(key).decryptWithAd(Buffer.from('other data'), sealed)).toThrow(
      HandshakeCryptoError,
    )
  })

  it('refuses a ciphertext out of order (the receiver expects nonce 0 first)', () => {
    const sender = new CipherState(key)
    sender.encryptWithAd(ad, Buffer.from('zero'))
    const one = sender.encryptWithAd(ad, Buffer.from('one'))
    expect(() => new CipherState(key).decryptWithAd(ad, one)).toThrow(/decryption failed/)
  })

  it('refuses a ciphertext shorter than its tag', () => {
    expect(() => new CipherState(key).decryptWithAd(ad, new Uint8Array(TAGLEN - 1))).toThrow(
      /shorter than its tag/,
    )
  })

  it('without a key, passes plaintext and ciphertext through unchanged', () => {
    const empty = new CipherState()
    expect(empty.hasKey()).toBe(false)
    expect(hex(empty.encryptWithAd(ad, Buffer.from('x')))).toBe(hex(Buffer.from('x')))
    expect(() => empty.key()).toThrow(HandshakeCryptoError)
  })

  it('lays out the nonce as 4 zero bytes, then the counter as a 64-bit little-endian integer', () => {
    expect(hex(nonceBytes(0n))).toBe('000000000000000000000000')
    expect(hex(nonceBytes(1n))).toBe('000000000100000000000000')
    expect(hex(nonceBytes(0x0102030405060708n))).toBe('000000000807060504030201')
    expect(hex(nonceBytes(2n ** 64n - 1n))).toBe('00000000ffffffffffffffff')
  })
})
