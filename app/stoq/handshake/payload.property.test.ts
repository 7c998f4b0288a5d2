/**
 * Handshake payloads come from any peer that dials: generated inputs. Any bytes decode or are refused with
 * a PayloadError; valid payloads round-trip; and only one encoding is accepted for a payload, so whatever
 * decodes encodes back to exactly the bytes it came from (a flipped bit is refused or changes the payload).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodedOrRefused, flipBit } from '../../../test/support/decoding'
import { decodePayload, encodePayload, PAYLOAD_VERSION, PayloadError, type HandshakePayload } from './payload'

// Small FALCON keys keep generated payloads small; the decoder takes the expected length as a limit.
// Message 3 must carry a FALCON signature, message 2 must not: both decoders are fed.
const decodeAs = (falconSignature: 'present' | 'absent') => (bytes: Uint8Array) =>
  decodedOrRefused(() => decodePayload(bytes, { falconPublicKeyLength: 64, falconSignature }), PayloadError)
const decode = decodeAs('present')

const bytesOf = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max })
/** Names of 1–n UTF-8 bytes. */
const names = (count: number, maxBytes: number) =>
  fc.array(
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
      .filter((s) => new TextEncoder().encode(s).length <= maxBytes),
    { maxLength: count },
  )
const validPayload: fc.Arbitrary<HandshakePayload> = fc.record({
  identityKey: bytesOf(1, 1024),
  identitySig: bytesOf(1, 300),
  falconPublicKey: bytesOf(64, 64),
  falconSig: bytesOf(1, 300),
  streamMuxers: names(8, 64),
  frameCiphers: names(8, 32),
})

/** Wire bytes shaped like a payload, each length and count anything a byte or two can say. */
const shapedBytes: fc.Arbitrary<Uint8Array> = fc
  .record({
    version: fc.oneof(fc.constant(PAYLOAD_VERSION), fc.nat(255)),
    fields: fc.array(fc.record({ length: fc.nat(0xffff), bytes: bytesOf(0, 80) }), { maxLength: 5 }),
    lists: fc.array(fc.record({ count: fc.nat(12), items: fc.array(bytesOf(0, 70), { maxLength: 10 }) }), {
      maxLength: 3,
    }),
  })
  .map(({ version, fields, lists }) => {
    const out: number[] = [version]
    for (const f of fields) out.push(f.length >> 8, f.length & 0xff, ...f.bytes)
    for (const l of lists) {
      out.push(l.count)
      for (const item of l.items) out.push(item.length, ...item)
    }
    return new Uint8Array(out)
  })

describe('handshake payloads from generated input', () => {
  it('any bytes decode or are refused with a PayloadError, and what decodes is the one encoding', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), shapedBytes), (bytes) => {
        for (const mode of ['present', 'absent'] as const) {
          const decoded = decodeAs(mode)(bytes)
          if (decoded.ok) expect(encodePayload(decoded.value)).toEqual(bytes)
          if (decoded.ok) expect(decoded.value.falconSig.length > 0).toBe(mode === 'present')
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('valid payloads round-trip', () => {
    fc.assert(
      fc.property(validPayload, (payload) => {
        const back = decode(encodePayload(payload))
        expect(back).toEqual({ ok: true, value: payload })
      }),
      { numRuns: 300 },
    )
  })

  it('a valid payload with one bit flipped is refused, or decodes to another payload that encodes to it', () => {
    fc.assert(
      fc.property(validPayload, fc.nat(), (payload, at) => {
        const bytes = encodePayload(payload)
        const flipped = flipBit(bytes, at % (bytes.length * 8))
        const decoded = decode(flipped)
        if (decoded.ok) {
          expect(decoded.value).not.toEqual(payload)
          expect(encodePayload(decoded.value)).toEqual(flipped)
        }
      }),
      { numRuns: 500 },
    )
  })
})
