import { describe, it, expect } from 'vitest'
import { decodePayload, encodePayload, PAYLOAD_VERSION, PayloadError, type HandshakePayload } from './payload'

// Field sizes as in a real handshake (Ed25519 identity, FALCON-1024), with recognisable contents.
const FALCON_KEY_LEN = 1793
const limits = { falconPublicKeyLength: FALCON_KEY_LEN, falconSignature: 'present' } as const
const filled = (length: number, start: number): Uint8Array =>
  new Uint8Array(length).map((_, i) => (start + i) & 0xff)

const sample = (overrides: Partial<HandshakePayload> = {}): HandshakePayload => ({
  identityKey: filled(36, 1),
  identitySig: filled(64, 2),
  falconPublicKey: filled(FALCON_KEY_LEN, 3),
  falconSig: filled(1270, 4),
  streamMuxers: ['/yamux/1.0.0', '/mplex/6.7.0'],
  frameCiphers: ['aes-256-gcm', 'chacha20-poly1305'],
  ...overrides,
})

const u16 = (n: number): number[] => [n >> 8, n & 0xff]

/** Hand-built wire bytes, for inputs encodePayload refuses to make. */
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const CIPHERS = ['chacha20-poly1305'].map(utf8)

function wire(
  fields: Uint8Array[],
  muxerCount: number,
  muxerNames: Uint8Array[],
  version = PAYLOAD_VERSION,
  ciphers: { count: number; names: Uint8Array[] } | null = { count: CIPHERS.length, names: CIPHERS },
): Uint8Array {
  const parts: number[] = [version]
  for (const field of fields) parts.push(...u16(field.length), ...field)
  parts.push(muxerCount)
  for (const name of muxerNames) parts.push(name.length, ...name)
  if (ciphers != null) {
    parts.push(ciphers.count)
    for (const name of ciphers.names) parts.push(name.length, ...name)
  }
  return Uint8Array.from(parts)
}

const expectPayloadError = (bytes: Uint8Array, message: RegExp): void => {
  let error: unknown
  try {
    decodePayload(bytes, limits)
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(PayloadError)
  expect((error as Error).message).toMatch(message)
}

describe('handshake payload encoding', () => {
  it('refuses to encode an empty field, which a peer would refuse to decode', () => {
    for (const field of ['identityKey', 'identitySig', 'falconPublicKey'] as const) {
      expect(() => encodePayload(sample({ [field]: new Uint8Array(0) }))).toThrow(PayloadError)
    }
  })

  it("message 2's payload carries no FALCON signature and message 3's one: each refuses the other", () => {
    const unsigned = encodePayload(sample({ falconSig: new Uint8Array(0) }))
    const absent = { ...limits, falconSignature: 'absent' } as const
    expect(decodePayload(unsigned, absent).falconSig).toHaveLength(0)
    expectPayloadError(unsigned, /invalid FALCON signature length \(0\)/)
    expect(() => decodePayload(encodePayload(sample()), absent)).toThrow(
      /invalid FALCON signature \(none in message 2\) length \(1270\)/,
    )
  })

  it('decodes what it encodes, field for field', () => {
    const payload = sample()
    const decoded = decodePayload(encodePayload(payload), limits)
    expect(Buffer.from(decoded.identityKey)).toEqual(Buffer.from(payload.identityKey))
    expect(Buffer.from(decoded.identitySig)).toEqual(Buffer.from(payload.identitySig))
    expect(Buffer.from(decoded.falconPublicKey)).toEqual(Buffer.from(payload.falconPublicKey))
    expect(Buffer.from(decoded.falconSig)).toEqual(Buffer.from(payload.falconSig))
    expect(decoded.streamMuxers).toEqual(payload.streamMuxers)
    expect(decoded.frameCiphers).toEqual(payload.frameCiphers)
  })

  it('keeps frame cipher names it does not know, for the choice to pass over', () => {
    const frameCiphers = ['aes-512-future', 'chacha20-poly1305']
    expect(decodePayload(encodePayload(sample({ frameCiphers })), limits).frameCiphers).toEqual(frameCiphers)
    expect(decodePayload(encodePayload(sample({ frameCiphers: [] })), limits).frameCiphers).toEqual([])
  })

  it('refuses more than eight frame ciphers, an empty or over-long name, and one that is not UTF-8', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `c${i}`)
    expect(() => encodePayload(sample({ frameCiphers: nine }))).toThrow(PayloadError)
    expect(() => encodePayload(sample({ frameCiphers: ['x'.repeat(33)] }))).toThrow(PayloadError)
    const p = sample()
    const fields = [p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig]
    expectPayloadError(
      wire(fields, 0, [], PAYLOAD_VERSION, { count: 9, names: nine.map(utf8) }),
      /too many frame ciphers/,
    )
    expectPayloadError(
      wire(fields, 0, [], PAYLOAD_VERSION, { count: 1, names: [new Uint8Array(0)] }),
      /bad frame cipher name/,
    )
    expectPayloadError(
      wire(fields, 0, [], PAYLOAD_VERSION, { count: 1, names: [utf8('x'.repeat(33))] }),
      /bad frame cipher name/,
    )
    expectPayloadError(
      wire(fields, 0, [], PAYLOAD_VERSION, { count: 1, names: [Uint8Array.of(0xff)] }),
      /frame cipher name is not UTF-8/,
    )
    expectPayloadError(wire(fields, 0, [], PAYLOAD_VERSION, null), /truncated in frame cipher count/)
  })

  it('refuses version 1, which could not choose a frame cipher, saying the peer needs updating', () => {
    const p = sample()
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 0, [], 1, null),
      /version 1.*needs updating/,
    )
  })

  it('refuses version 2, whose responder signed for callers it had not authenticated', () => {
    const p = sample()
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 0, [], 2),
      /version 2, which signs for unauthenticated callers; it needs updating/,
    )
  })

  it('round-trips no stream muxers, eight muxers, and non-ASCII muxer names', () => {
    for (const streamMuxers of [
      [],
      ['/m/0', '/m/1', '/m/2', '/m/3', '/m/4', '/m/5', '/m/6', '/m/7'],
      ['/müx/ü'],
    ]) {
      expect(decodePayload(encodePayload(sample({ streamMuxers })), limits).streamMuxers).toEqual(
        streamMuxers,
      )
    }
  })

  it('lays out version, u16-prefixed fields and u8-prefixed muxer names as documented', () => {
    const payload = sample({ streamMuxers: ['/y'] })
    expect(Buffer.from(encodePayload(payload))).toEqual(
      Buffer.from(
        wire(
          [payload.identityKey, payload.identitySig, payload.falconPublicKey, payload.falconSig],
          1,
          [new TextEncoder().encode('/y')],
          PAYLOAD_VERSION,
          { count: 2, names: payload.frameCiphers.map(utf8) },
        ),
      ),
    )
  })

  it('refuses every truncation of a valid payload with a PayloadError', () => {
    const bytes = encodePayload(sample())
    const accepted: number[] = []
    for (let length = 0; length < bytes.length; length++) {
      try {
        decodePayload(bytes.subarray(0, length), limits)
        accepted.push(length)
      } catch (err) {
        if (!(err instanceof PayloadError)) throw err
      }
    }
    expect(accepted).toEqual([])
  })

  it('refuses trailing bytes after the last frame cipher name', () => {
    const bytes = encodePayload(sample())
    expectPayloadError(Buffer.concat([bytes, Uint8Array.of(0)]), /trailing bytes/)
  })

  it.each(['identityKey', 'identitySig', 'falconSig'] as const)('refuses a zero-length %s', (field) => {
    const p = sample({ [field]: new Uint8Array(0) })
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 0, []),
      /invalid .* length \(0\)/,
    )
  })

  it('refuses a zero-length muxer name', () => {
    const p = sample()
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 1, [new Uint8Array(0)]),
      /bad stream muxer name/,
    )
    expect(() => encodePayload(sample({ streamMuxers: [''] }))).toThrow(PayloadError)
  })

  it.each([
    ['one byte short', FALCON_KEY_LEN - 1, /wrong length/],
    ['one byte long', FALCON_KEY_LEN + 1, /invalid FALCON public key length/],
    ['empty', 0, /invalid FALCON public key length \(0\)/],
  ])('refuses a FALCON public key %s', (_what, length, message) => {
    const p = sample({ falconPublicKey: filled(length, 9) })
    expectPayloadError(wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 0, []), message)
  })

  it('refuses more than eight stream muxers, encoding and decoding', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `/m/${i}`)
    expect(() => encodePayload(sample({ streamMuxers: nine }))).toThrow(PayloadError)
    const p = sample()
    const names = nine.map((name) => new TextEncoder().encode(name))
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 9, names),
      /too many/,
    )
  })

  it('refuses a muxer name longer than 64 bytes, encoding and decoding', () => {
    const long = '/' + 'x'.repeat(64)
    expect(() => encodePayload(sample({ streamMuxers: [long] }))).toThrow(PayloadError)
    const p = sample()
    const name = new TextEncoder().encode(long)
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 1, [name]),
      /bad stream muxer name/,
    )
  })

  it('refuses a muxer name that is not UTF-8', () => {
    const p = sample()
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 1, [
        Uint8Array.of(0x2f, 0xff, 0xfe),
      ]),
      /not UTF-8/,
    )
  })

  it.each([0, 4, 255])('refuses payload version %i', (version) => {
    const p = sample()
    expectPayloadError(
      wire([p.identityKey, p.identitySig, p.falconPublicKey, p.falconSig], 0, [], version),
      /unsupported handshake payload version/,
    )
  })

  it('refuses an identity key above 1024 bytes and a signature above 4096 bytes', () => {
    const big = sample({ identityKey: filled(1025, 5) })
    expectPayloadError(encodePayload(big), /invalid identity key length \(1025\)/)
    const bigSig = sample({ falconSig: filled(4097, 6) })
    expectPayloadError(encodePayload(bigSig), /invalid FALCON signature length \(4097\)/)
  })

  it('refuses to encode a field longer than a u16 can say', () => {
    expect(() => encodePayload(sample({ falconSig: new Uint8Array(0x10000) }))).toThrow(PayloadError)
  })
})
