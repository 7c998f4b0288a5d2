/**
 * The handshake payload each side sends (encrypted) in messages 2 and 3: who it is (libp2p identity key
 * and its signature over the static X25519 key), its FALCON-1024 node key and signature over the
 * transcript, the stream muxers it speaks and the frame ciphers it offers. Binary, length-prefixed,
 * every field bounded.
 *
 *   version u8 (=3) | identityKey u16+bytes | identitySig u16+bytes | falconPublicKey u16+bytes |
 *   falconSig u16+bytes | muxer count u8 | (u8 length + UTF-8)* | cipher count u8 | (u8 length + UTF-8)*
 *
 * The responder's payload (message 2) has an empty falconSig: it signs in message 4. Versions 1 (no cipher
 * list) and 2 (the responder's FALCON signature in message 2) are refused with a reason.
 */
import { concatBytes } from '@noble/hashes/utils.js'

export const PAYLOAD_VERSION = 3
const MAX_IDENTITY_KEY = 1024
const MAX_SIGNATURE = 4096
const MAX_MUXERS = 8
const MAX_MUXER_NAME = 64
const MAX_CIPHERS = 8
const MAX_CIPHER_NAME = 32

export interface HandshakePayload {
  identityKey: Uint8Array
  identitySig: Uint8Array
  falconPublicKey: Uint8Array
  falconSig: Uint8Array
  streamMuxers: string[]
  /** Frame ciphers, in the sender's order of preference; names this version does not know are kept. */
  frameCiphers: string[]
}

export class PayloadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PayloadError'
  }
}

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff)

export function encodePayload(p: HandshakePayload): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(PAYLOAD_VERSION)]
  // The same bounds decodePayload enforces: what we send, a peer must be able to read. Only the FALCON
  // signature may be empty (the responder's, which comes in message 4).
  const fields: Array<[Uint8Array, number]> = [
    [p.identityKey, 1],
    [p.identitySig, 1],
    [p.falconPublicKey, 1],
    [p.falconSig, 0],
  ]
  for (const [field, min] of fields) {
    if (field.length < min || field.length > 0xffff)
      throw new PayloadError('payload fields must be 1–65535 bytes')
    parts.push(u16(field.length), field)
  }
  parts.push(...encodeNames(p.streamMuxers, MAX_MUXERS, MAX_MUXER_NAME, 'stream muxer'))
  parts.push(...encodeNames(p.frameCiphers, MAX_CIPHERS, MAX_CIPHER_NAME, 'frame cipher'))
  return concatBytes(...parts)
}

/** count u8 | (u8 length + UTF-8)* */
function encodeNames(names: string[], maxCount: number, maxLength: number, what: string): Uint8Array[] {
  if (names.length > maxCount) throw new PayloadError(`too many ${what}s`)
  const parts = [Uint8Array.of(names.length)]
  for (const name of names) {
    const bytes = new TextEncoder().encode(name)
    if (bytes.length === 0 || bytes.length > maxLength) throw new PayloadError(`bad ${what} name`)
    parts.push(Uint8Array.of(bytes.length), bytes)
  }
  return parts
}

/**
 * `falconSignature`: whether the payload must carry a FALCON signature (message 3) or must not (message 2);
 * either way there is one encoding only.
 */
export function decodePayload(
  bytes: Uint8Array,
  limits: { falconPublicKeyLength: number; falconSignature: 'present' | 'absent' },
): HandshakePayload {
  let offset = 0
  const take = (n: number, what: string): Uint8Array => {
    if (offset + n > bytes.length) throw new PayloadError(`handshake payload truncated in ${what}`)
    const out = bytes.subarray(offset, offset + n)
    offset += n
    return out
  }
  const field = (what: string, max: number, min = 1): Uint8Array => {
    const [hi, lo] = take(2, what)
    const length = ((hi as number) << 8) | (lo as number)
    if (length < min || length > max)
      throw new PayloadError(`handshake payload has an invalid ${what} length (${length})`)
    return take(length, what)
  }
  const names = (maxCount: number, maxLength: number, what: string): string[] => {
    const count = take(1, `${what} count`)[0] as number
    if (count > maxCount) throw new PayloadError(`too many ${what}s`)
    const out: string[] = []
    for (let i = 0; i < count; i++) {
      const length = take(1, `${what} name`)[0] as number
      if (length === 0 || length > maxLength) throw new PayloadError(`bad ${what} name`)
      try {
        out.push(new TextDecoder('utf-8', { fatal: true }).decode(take(length, `${what} name`)))
      } catch (err) {
        if (err instanceof PayloadError) throw err
        throw new PayloadError(`${what} name is not UTF-8`)
      }
    }
    return out
  }
  const version = take(1, 'version')[0]
  if (version === 1 || version === 2)
    throw new PayloadError(
      `the peer speaks STOQ payload version ${version}, ${
        version === 1 ? 'without frame cipher choice' : 'which signs for unauthenticated callers'
      }; it needs updating`,
    )
  if (version !== PAYLOAD_VERSION) throw new PayloadError(`unsupported handshake payload version ${version}`)
  const identityKey = field('identity key', MAX_IDENTITY_KEY)
  const identitySig = field('identity signature', MAX_SIGNATURE)
  const falconPublicKey = field('FALCON public key', limits.falconPublicKeyLength)
  if (falconPublicKey.length !== limits.falconPublicKeyLength)
    throw new PayloadError('FALCON public key has the wrong length')
  const falconSig =
    limits.falconSignature === 'present'
      ? field('FALCON signature', MAX_SIGNATURE)
      : field('FALCON signature (none in message 2)', 0, 0)
  const streamMuxers = names(MAX_MUXERS, MAX_MUXER_NAME, 'stream muxer')
  const frameCiphers = names(MAX_CIPHERS, MAX_CIPHER_NAME, 'frame cipher')
  if (offset !== bytes.length) throw new PayloadError('handshake payload has trailing bytes')
  return { identityKey, identitySig, falconPublicKey, falconSig, streamMuxers, frameCiphers }
}
