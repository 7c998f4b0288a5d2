/**
 * The tests every FalconSigner passes (inline, worker threads): what it signs verifies with FALCON-1024
 * itself, and forged, wrong-key, truncated, oversized and malformed input is refused with false, never
 * an exception.
 */
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { describe, expect, it } from 'vitest'
import type { FalconKeyPair, FalconSigner } from './falcon-signer'

export function falconSignerSuite(
  name: string,
  create: (keys: FalconKeyPair) => Promise<FalconSigner>,
): void {
  const keys = falcon1024.keygen(new Uint8Array(48).fill(3))
  const other = falcon1024.keygen(new Uint8Array(48).fill(4))
  const message = new TextEncoder().encode('stoq-falcon-transcript: a transcript hash')

  describe(`FalconSigner: ${name}`, () => {
    it('signs what FALCON-1024 verifies, under its own public key', async () => {
      const signer = await create(keys)
      expect(signer.publicKey).toEqual(keys.publicKey)
      const signature = await signer.sign(message)
      expect(falcon1024.verify(signature, message, keys.publicKey)).toBe(true)
      expect(await signer.verify(signature, message, keys.publicKey)).toBe(true)
    })

    it('refuses a forged message, a wrong key, and truncated, oversized or garbage signatures', async () => {
      const signer = await create(keys)
      const signature = falcon1024.sign(message, keys.secretKey)
      const forged = message.slice()
      forged[0] = (forged[0] as number) ^ 1
      expect(await signer.verify(signature, forged, keys.publicKey)).toBe(false)
      expect(await signer.verify(signature, message, other.publicKey)).toBe(false)
      expect(await signer.verify(signature.subarray(0, 100), message, keys.publicKey)).toBe(false)
      expect(await signer.verify(new Uint8Array(4096).fill(7), message, keys.publicKey)).toBe(false)
      expect(await signer.verify(new Uint8Array(0), message, keys.publicKey)).toBe(false)
      expect(await signer.verify(signature, message, keys.publicKey.subarray(0, 10))).toBe(false)
    })

    it('signs many messages at once, each verifying on its own', async () => {
      const signer = await create(keys)
      const messages = Array.from({ length: 6 }, (_, i) => Uint8Array.of(i, 1, 2, 3))
      const signatures = await Promise.all(messages.map((m) => signer.sign(m)))
      signatures.forEach((s, i) => expect(falcon1024.verify(s, messages[i]!, keys.publicKey)).toBe(true))
      expect(falcon1024.verify(signatures[0]!, messages[1]!, keys.publicKey)).toBe(false)
    })
  })
}
