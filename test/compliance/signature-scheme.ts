/**
 * One contract for every SignatureScheme (app/consensus/signature-scheme.ts): a signature verifies for its
 * message and key and for nothing else, and malformed input is refused without throwing.
 */
import { describe, expect, it } from 'vitest'
import type { SignatureScheme } from '../../app/consensus/signature-scheme'

export function signatureSchemeComplianceTests(scheme: SignatureScheme): void {
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

    it('derives the same keys from the same seed', () => {
      const seed = new Uint8Array(scheme.seedBytes).fill(7)
      expect(scheme.keygen(seed).publicKey).toEqual(scheme.keygen(seed).publicKey)
    })
  })
}
