/**
 * One contract for every SignatureScheme (app/consensus/signature-scheme.ts): a signature verifies for its
 * message and key and for nothing else, and malformed input is refused without throwing. Two
 * implementations of one algorithm also pass `interop`: each verifies what the other signs, both derive
 * the same keys, and both verify a known answer kept from earlier.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { SignatureScheme } from '../../app/consensus/signature-scheme'
import { fromBase64 } from '../../app/consensus/codec'

export interface KnownAnswer {
  seed: Uint8Array
  message: Uint8Array
  publicKeySha256: string
  secretKeySha256: string
  /** Base64 signatures of `message` under the seed's key, made by each implementation. */
  signatures: Record<string, string>
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

export function signatureSchemeComplianceTests(
  scheme: SignatureScheme,
  interop?: { counterpart: SignatureScheme; knownAnswer: KnownAnswer },
): void {
  if (interop != null) interoperabilityTests(scheme, interop.counterpart, interop.knownAnswer)
  describe(`signature scheme ${scheme.name}`, () => {
    const keys = scheme.keygen()
    const other = scheme.keygen()
    const message = new TextEncoder().encode('vote for block 7')
    const signature = scheme.sign(message, keys.secretKey)

    it('has keys and signatures of the declared sizes', () => {
      expect(keys.publicKey.length).toBe(scheme.publicKeyBytes)
      expect(signature.length).toBeGreaterThan(0)
      expect(signature.length).toBeLessThanOrEqual(scheme.maxSignatureBytes)
    })

    it('verifies a signature for its message and key', () => {
      expect(scheme.verify(signature, message, keys.publicKey)).toBe(true)
    })

    it('refuses another message, another key, and a forged signature', () => {
      expect(scheme.verify(signature, new TextEncoder().encode('vote for block 8'), keys.publicKey)).toBe(
        false,
      )
      expect(scheme.verify(signature, message, other.publicKey)).toBe(false)
      const forged = signature.slice()
      forged[Math.floor(forged.length / 2)]! ^= 0x40
      expect(scheme.verify(forged, message, keys.publicKey)).toBe(false)
    })

    it('refuses truncated, empty and oversized signatures and keys without throwing', () => {
      expect(scheme.verify(signature.slice(0, signature.length - 7), message, keys.publicKey)).toBe(false)
      expect(scheme.verify(new Uint8Array(0), message, keys.publicKey)).toBe(false)
      expect(scheme.verify(new Uint8Array(scheme.maxSignatureBytes + 1), message, keys.publicKey)).toBe(false)
      expect(scheme.verify(signature, message, keys.publicKey.slice(1))).toBe(false)
      expect(scheme.verify(signature, message, new Uint8Array(scheme.publicKeyBytes))).toBe(false)
    })

    it('takes keys, messages and signatures as Buffers (what node:crypto hands out) as well', () => {
      const asBuffer = (bytes: Uint8Array): Buffer => Buffer.concat([Buffer.of(0), bytes]).subarray(1)
      const fromBuffer = scheme.sign(asBuffer(message), asBuffer(keys.secretKey))
      expect(scheme.verify(fromBuffer, message, keys.publicKey)).toBe(true)
      expect(scheme.verify(asBuffer(signature), asBuffer(message), asBuffer(keys.publicKey))).toBe(true)
    })

    it('derives the same keys from the same seed', () => {
      const seed = new Uint8Array(scheme.seedBytes).fill(7)
      expect(scheme.keygen(seed).publicKey).toEqual(scheme.keygen(seed).publicKey)
    })
  })
}

function interoperabilityTests(
  scheme: SignatureScheme,
  counterpart: SignatureScheme,
  kat: KnownAnswer,
): void {
  describe(`signature scheme ${scheme.name} against ${counterpart.name}`, () => {
    it('derives the known keys from the known seed', () => {
      const keys = scheme.keygen(kat.seed)
      expect(sha256(keys.publicKey)).toBe(kat.publicKeySha256)
      expect(sha256(keys.secretKey)).toBe(kat.secretKeySha256)
    })

    it.each(Object.keys(kat.signatures))(
      'verifies the known signature made by %s, and refuses it altered',
      (by) => {
        const { publicKey } = scheme.keygen(kat.seed)
        const signature = fromBase64(kat.signatures[by]!)
        expect(scheme.verify(signature, kat.message, publicKey)).toBe(true)
        const forged = signature.slice()
        forged[forged.length - 1]! ^= 1
        expect(scheme.verify(forged, kat.message, publicKey)).toBe(false)
        expect(scheme.verify(signature, Uint8Array.of(...kat.message, 0), publicKey)).toBe(false)
      },
    )

    it('verifies what the other signs, and the other verifies what it signs', () => {
      const keys = scheme.keygen()
      const message = new TextEncoder().encode('one key, two implementations')
      expect(counterpart.verify(scheme.sign(message, keys.secretKey), message, keys.publicKey)).toBe(true)
      expect(scheme.verify(counterpart.sign(message, keys.secretKey), message, keys.publicKey)).toBe(true)
      expect(counterpart.verify(scheme.sign(message, keys.secretKey), Uint8Array.of(1), keys.publicKey)).toBe(
        false,
      )
    })
  })
}
