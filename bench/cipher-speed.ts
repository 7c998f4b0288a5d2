/**
 * What the transport cipher alone can do on one core: node:crypto's ChaCha20-Poly1305 (STOQ's and
 * Noise's frame cipher) and AES-256-GCM, sealing 1 MiB buffers in a loop. bench:stoq prints it beside the
 * transfer figures, because it bounds what any one connection on this machine can carry.
 */
import { createCipheriv, randomBytes } from 'node:crypto'

export interface CipherSpeed {
  cipher: 'chacha20-poly1305' | 'aes-256-gcm'
  gbitPerSecond: number
}

function sealFor(cipher: CipherSpeed['cipher'], milliseconds: number): number {
  const key = randomBytes(32)
  const nonce = Buffer.alloc(12)
  const data = randomBytes(1024 * 1024)
  let bytes = 0
  const until = performance.now() + milliseconds
  while (performance.now() < until) {
    nonce.writeUInt32LE(bytes / data.length, 0)
    // Two calls that look alike: TypeScript picks node:crypto's AEAD overload from the literal name.
    const sealer =
      cipher === 'aes-256-gcm'
        ? createCipheriv(cipher, key, nonce, { authTagLength: 16 })
        : createCipheriv(cipher, key, nonce, { authTagLength: 16 })
    sealer.update(data)
    sealer.final()
    sealer.getAuthTag()
    bytes += data.length
  }
  return bytes
}

/** Seals for `seconds` per cipher, after a short warm-up; Gbit/s of plaintext sealed on this one core. */
export function measureCipherSpeed(seconds: number): CipherSpeed[] {
  return (['chacha20-poly1305', 'aes-256-gcm'] as const).map((cipher) => {
    sealFor(cipher, 200)
    const bytes = sealFor(cipher, seconds * 1000)
    return { cipher, gbitPerSecond: (bytes * 8) / seconds / 1e9 }
  })
}
