/**
 * Every StoqCrypto passes the same suite: known-answer vectors from the RFCs, refusals of bad input, and
 * interoperation with every other implementation (a node and a browser must understand each other).
 */
import { describe, expect, it } from 'vitest'
import { nobleCrypto } from './noble'
import { nodeCrypto } from './node'
import { chooseFrameCipher, FRAME_CIPHER_NAMES, StoqCryptoError, type StoqCrypto } from './types'

const IMPLEMENTATIONS: StoqCrypto[] = [nodeCrypto, nobleCrypto]
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))

// RFC 8439 §2.8.2: the AEAD test vector.
const AEAD = {
  key: hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
  nonce: hex('070000004041424344454647'),
  ad: hex('50515253c0c1c2c3c4c5c6c7'),
  plaintext: new TextEncoder().encode(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ),
  tag: '1ae10b594f09e26a7e902ecbd0600691',
  ciphertextStart: 'd31a8d34648e60db7b86afbc53ef7ec2',
}
// The GCM specification (McGrew and Viega), test case 15: AES-256, 96-bit IV, no associated data.
const AES_256_GCM = {
  key: hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
  nonce: hex('cafebabefacedbaddecaf888'),
  plaintext: hex(`d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
    1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255`),
  ciphertext: `522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
    8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad`.replace(/\s/g, ''),
  tag: 'b094dac5d93471bdec1a502270e3cc6c',
}
// RFC 7748 §6.1: Alice and Bob.
const X25519_VECTOR = {
  aliceSecret: hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPublic: hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'),
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
}

describe.each(IMPLEMENTATIONS)('StoqCrypto: $name', (crypto) => {
  it('hashes and MACs as SHA-256 and HMAC-SHA-256 do, across split input', () => {
    expect(toHex(crypto.sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(toHex(crypto.sha256(hex('61'), hex('6263')))).toBe(toHex(crypto.sha256(hex('616263'))))
    // RFC 4231 test case 2.
    const mac = crypto.hmacSha256(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want '),
      new TextEncoder().encode('for nothing?'),
    )
    expect(toHex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })

  it('seals and opens the RFC 8439 AEAD vector', () => {
    const sealed = crypto.seal(AEAD.key, AEAD.nonce, AEAD.ad, AEAD.plaintext)
    expect(toHex(sealed.subarray(0, 16))).toBe(AEAD.ciphertextStart)
    expect(toHex(sealed.subarray(sealed.length - 16))).toBe(AEAD.tag)
    expect(toHex(crypto.open(AEAD.key, AEAD.nonce, AEAD.ad, sealed))).toBe(toHex(AEAD.plaintext))
  })

  it.each([
    ['a flipped ciphertext bit', (s: Uint8Array) => s.set([(s[3] as number) ^ 1], 3)],
    ['a flipped tag bit', (s: Uint8Array) => s.set([(s[s.length - 1] as number) ^ 1], s.length - 1)],
  ])('refuses %s', (_what, tamper) => {
    const sealed = crypto.seal(AEAD.key, AEAD.nonce, AEAD.ad, AEAD.plaintext)
    tamper(sealed)
    expect(() => crypto.open(AEAD.key, AEAD.nonce, AEAD.ad, sealed)).toThrow(StoqCryptoError)
  })

  it('refuses other associated data, another nonce, a truncated message', () => {
    const sealed = crypto.seal(AEAD.key, AEAD.nonce, AEAD.ad, AEAD.plaintext)
    expect(() => crypto.open(AEAD.key, AEAD.nonce, hex('00'), sealed)).toThrow(StoqCryptoError)
    expect(() => crypto.open(AEAD.key, new Uint8Array(12), AEAD.ad, sealed)).toThrow(StoqCryptoError)
    expect(() => crypto.open(AEAD.key, AEAD.nonce, AEAD.ad, sealed.subarray(0, 15))).toThrow(StoqCryptoError)
  })

  it('agrees on the RFC 7748 X25519 vector', () => {
    expect(toHex(crypto.x25519PublicKey(X25519_VECTOR.aliceSecret))).toBe(X25519_VECTOR.alicePublic)
    expect(toHex(crypto.x25519(X25519_VECTOR.aliceSecret, X25519_VECTOR.bobPublic))).toBe(
      X25519_VECTOR.shared,
    )
  })

  it('makes key pairs whose public key matches the secret', () => {
    const pair = crypto.x25519Keygen()
    expect(pair.secretKey).toHaveLength(32)
    expect(toHex(crypto.x25519PublicKey(pair.secretKey))).toBe(toHex(pair.publicKey))
  })

  it('refuses a low-order or malformed peer key', () => {
    const { secretKey } = crypto.x25519Keygen()
    expect(() => crypto.x25519(secretKey, new Uint8Array(32))).toThrow(StoqCryptoError)
    expect(() => crypto.x25519(secretKey, new Uint8Array(31))).toThrow(StoqCryptoError)
    expect(() => crypto.x25519PublicKey(new Uint8Array(31))).toThrow(StoqCryptoError)
  })

  it('offers every frame cipher there is', () => {
    expect([...crypto.frameCiphers].sort()).toEqual([...FRAME_CIPHER_NAMES].sort())
  })

  it('seals AES-256-GCM frames as the GCM specification says (test case 15)', () => {
    const { key, nonce, plaintext } = AES_256_GCM
    const sealed = concat(
      crypto.frameSealer(key, 'aes-256-gcm').seal([plaintext.subarray(0, 20), plaintext.subarray(20)], nonce),
    )
    expect(toHex(sealed)).toBe(AES_256_GCM.ciphertext + AES_256_GCM.tag)
  })

  it.each(FRAME_CIPHER_NAMES)(
    '%s: seals frames given in pieces and opens them given in other pieces; a changed frame, the other cipher or another nonce fails',
    (cipher) => {
      const key = crypto.sha256(hex('01'))
      const nonce = new Uint8Array(12)
      const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 256)
      const sealed = concat(
        crypto.frameSealer(key, cipher).seal([data.subarray(0, 300), data.subarray(300)], nonce),
      )
      const body = sealed.subarray(0, sealed.length - 16)
      const tag = sealed.subarray(sealed.length - 16)
      const opened = crypto
        .frameSealer(key, cipher)
        .open([body.subarray(0, 700), body.subarray(700)], tag, nonce)
      expect(toHex(concat(opened))).toBe(toHex(data))
      const other = FRAME_CIPHER_NAMES.find((c) => c !== cipher)!
      expect(() => crypto.frameSealer(key, other).open([body], tag, nonce)).toThrow(StoqCryptoError)
      expect(() =>
        crypto.frameSealer(key, cipher).open([body], tag, hex('000000000100000000000000')),
      ).toThrow(StoqCryptoError)
      body.set([(body[10] as number) ^ 1], 10)
      expect(() => crypto.frameSealer(key, cipher).open([body], tag, nonce)).toThrow(StoqCryptoError)
    },
  )
})

describe('frame cipher choice', () => {
  it("takes the initiator's first choice that the responder offers, the same on both ends", () => {
    expect(
      chooseFrameCipher(['aes-256-gcm', 'chacha20-poly1305'], ['chacha20-poly1305', 'aes-256-gcm']),
    ).toBe('aes-256-gcm')
    expect(
      chooseFrameCipher(['chacha20-poly1305', 'aes-256-gcm'], ['aes-256-gcm', 'chacha20-poly1305']),
    ).toBe('chacha20-poly1305')
    expect(chooseFrameCipher(['aes-256-gcm'], ['chacha20-poly1305', 'aes-256-gcm'])).toBe('aes-256-gcm')
  })

  it('passes over names it does not know, and finds none when nothing is shared', () => {
    expect(chooseFrameCipher(['rot13', 'chacha20-poly1305'], ['rot13', 'chacha20-poly1305'])).toBe(
      'chacha20-poly1305',
    )
    expect(chooseFrameCipher(['rot13'], ['rot13'])).toBeNull()
    expect(chooseFrameCipher(['aes-256-gcm'], ['chacha20-poly1305'])).toBeNull()
    expect(chooseFrameCipher([], FRAME_CIPHER_NAMES)).toBeNull()
  })
})

describe('implementations interoperate', () => {
  const pairs = IMPLEMENTATIONS.flatMap((a) =>
    IMPLEMENTATIONS.filter((b) => b !== a).map((b) => [a, b] as const),
  )

  it.each(pairs)('%o seals, the other opens; X25519 agrees', (a, b) => {
    const key = a.sha256(hex('02'))
    const nonce = hex('000000000100000000000000')
    const sealed = a.seal(key, nonce, hex('aa'), hex('0102030405'))
    expect(toHex(b.open(key, nonce, hex('aa'), sealed))).toBe('0102030405')
    for (const cipher of FRAME_CIPHER_NAMES) {
      const frame = concat(a.frameSealer(key, cipher).seal([hex('0a0b0c')], nonce))
      const opened = b.frameSealer(key, cipher).open([frame.subarray(0, 3)], frame.subarray(3), nonce)
      expect(toHex(concat(opened))).toBe('0a0b0c')
    }
    const x = a.x25519Keygen()
    const y = b.x25519Keygen()
    expect(toHex(a.x25519(x.secretKey, y.publicKey))).toBe(toHex(b.x25519(y.secretKey, x.publicKey)))
  })
})
