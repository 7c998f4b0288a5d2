import { nodeCrypto } from './crypto/node'
import { describe, it, expect } from 'vitest'
import { randomBytes } from 'node:crypto'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { receiveBytes, withDeadline } from '../../test/compliance/connection-encrypter'
import { TAGLEN } from './handshake/symmetric-state'
import {
  FrameCipher,
  FrameError,
  MAX_FRAME_CIPHERTEXT,
  MAX_FRAME_PLAINTEXT,
  REKEY_INTERVAL_FRAMES,
  SecureMessageStream,
} from './secure-stream'

const DEADLINE_MS = 10_000

/** Splits sealed output into frames by their u32 big-endian length prefixes. */
function frames(sealed: Uint8ArrayList): Uint8ArrayList[] {
  const out: Uint8ArrayList[] = []
  let offset = 0
  while (offset < sealed.byteLength) {
    const length = sealed.getUint32(offset)
    out.push(sealed.sublist(offset + 4, offset + 4 + length))
    offset += 4 + length
  }
  expect(offset).toBe(sealed.byteLength)
  return out
}

describe('FrameCipher', () => {
  const key = randomBytes(32)

  it('opens, in order, what it sealed, for frames of several sizes and shapes', () => {
    const sender = new FrameCipher(key)
    const receiver = new FrameCipher(key)
    const plaintexts = [
      Buffer.from('hello'),
      new Uint8Array(0),
      randomBytes(70_000),
      new Uint8ArrayList(Buffer.from('split '), Buffer.from('across '), Buffer.from('parts')),
    ]
    const sealed = new Uint8ArrayList()
    for (const plaintext of plaintexts) sender.seal(plaintext, sealed)
    const got = frames(sealed)
    expect(got.map((frame) => frame.byteLength)).toEqual(plaintexts.map((p) => p.byteLength + TAGLEN))
    for (const [i, frame] of got.entries()) {
      expect(Buffer.from(receiver.open(frame).subarray())).toEqual(Buffer.from(plaintexts[i]!.subarray()))
    }
  })

  it('refuses frames out of order', () => {
    const sender = new FrameCipher(key)
    const sealed = new Uint8ArrayList()
    sender.seal(Buffer.from('first'), sealed)
    sender.seal(Buffer.from('second'), sealed)
    const [, second] = frames(sealed)
    expect(() => new FrameCipher(key).open(second!)).toThrow(FrameError)
  })

  it.each(['aes-256-gcm', 'chacha20-poly1305'] as const)(
    '%s: both ends move to the next key after each interval, in step; an end that does not is refused',
    (cipher) => {
      const sender = new FrameCipher(key, nodeCrypto, cipher, 3)
      const receiver = new FrameCipher(key, nodeCrypto, cipher, 3)
      const late = new FrameCipher(key, nodeCrypto, cipher, 5)
      const never = new FrameCipher(key, nodeCrypto, cipher, 1_000)
      const sealed = new Uint8ArrayList()
      for (let i = 0; i < 10; i++) sender.seal(Buffer.from(`frame ${i}`), sealed)
      const got = frames(sealed)
      got.forEach((frame, i) =>
        expect(Buffer.from(receiver.open(frame).subarray()).toString()).toBe(`frame ${i}`),
      )
      // Frames 0–2 use the first key; frame 3 the next one, which an end that has not moved on lacks.
      for (let i = 0; i < 3; i++) late.open(got[i]!)
      expect(() => late.open(got[3]!)).toThrow(FrameError)
      for (let i = 0; i < 3; i++) never.open(got[i]!)
      expect(() => never.open(got[3]!)).toThrow(/failed authentication/)
    },
  )

  it('the two frame ciphers do not open each other’s frames', () => {
    const sealed = new Uint8ArrayList()
    new FrameCipher(key, nodeCrypto, 'aes-256-gcm').seal(Buffer.from('hello'), sealed)
    expect(() => new FrameCipher(key, nodeCrypto, 'chacha20-poly1305').open(frames(sealed)[0]!)).toThrow(
      FrameError,
    )
    expect(
      Buffer.from(
        new FrameCipher(key, nodeCrypto, 'aes-256-gcm').open(frames(sealed)[0]!).subarray(),
      ).toString(),
    ).toBe('hello')
  })

  it('refuses to seal or open past the last nonce of the 64-bit counter, rather than reuse one', () => {
    const last = 2n ** 64n - 2n
    const sender = new FrameCipher(key, nodeCrypto, 'chacha20-poly1305', REKEY_INTERVAL_FRAMES, last)
    const receiver = new FrameCipher(key, nodeCrypto, 'chacha20-poly1305', REKEY_INTERVAL_FRAMES, last)
    const sealed = new Uint8ArrayList()
    sender.seal(Buffer.from('the last frame'), sealed)
    expect(Buffer.from(receiver.open(frames(sealed)[0]!).subarray()).toString()).toBe('the last frame')
    expect(() => sender.seal(Buffer.from('one more'), new Uint8ArrayList())).toThrow(/nonces? .*exhausted/)
    expect(() => receiver.open(frames(sealed)[0]!)).toThrow(FrameError)
    expect(() => receiver.open(frames(sealed)[0]!)).toThrow(/exhausted/)
  })

  it('refuses a frame sealed under another key, and one shorter than its tag', () => {
    const sealed = new Uint8ArrayList()
    new FrameCipher(randomBytes(32)).seal(Buffer.from('hello'), sealed)
    expect(() => new FrameCipher(key).open(frames(sealed)[0]!)).toThrow(/failed authentication/)
    expect(() => new FrameCipher(key).open(new Uint8ArrayList(new Uint8Array(TAGLEN - 1)))).toThrow(
      /shorter than its authentication tag/,
    )
  })
})

describe('SecureMessageStream', () => {
  const keyAtoB = randomBytes(32)
  const keyBtoA = randomBytes(32)

  function securedPair(chunkSize?: number) {
    const sent: number[] = []
    const received: number[] = []
    const [outbound, inbound] = multiaddrConnectionPair(chunkSize == null ? {} : { chunkSize })
    const a = new SecureMessageStream(outbound, new FrameCipher(keyAtoB), new FrameCipher(keyBtoA), {
      onFrameSent: (bytes) => sent.push(bytes),
    })
    const b = new SecureMessageStream(inbound, new FrameCipher(keyBtoA), new FrameCipher(keyAtoB), {
      onFrameReceived: (bytes) => received.push(bytes),
    })
    return { a, b, sent, received }
  }

  it.each([
    [1, [1 + TAGLEN]],
    [MAX_FRAME_PLAINTEXT, [MAX_FRAME_CIPHERTEXT]],
    [MAX_FRAME_PLAINTEXT + 1, [MAX_FRAME_CIPHERTEXT, 1 + TAGLEN]],
    [600 * 1024, [MAX_FRAME_CIPHERTEXT, MAX_FRAME_CIPHERTEXT, 600 * 1024 - 2 * MAX_FRAME_PLAINTEXT + TAGLEN]],
  ])('splits a %i-byte send into frames of at most MAX_FRAME_PLAINTEXT', async (size, expectedFrames) => {
    const { a, b, sent, received } = securedPair()
    const data = new Uint8Array(size).map((_, i) => i % 251)
    const arrived = receiveBytes(b, size)
    a.send(data)
    const got = await withDeadline(arrived, DEADLINE_MS, `${size} bytes`)
    expect(Buffer.compare(got, data)).toBe(0)
    expect(sent).toEqual(expectedFrames)
    expect(received).toEqual(expectedFrames)
  })

  it('sends 600 KiB as three frames', async () => {
    const { a, b, sent } = securedPair()
    const arrived = receiveBytes(b, 600 * 1024)
    a.send(new Uint8Array(600 * 1024))
    await withDeadline(arrived, DEADLINE_MS, '600 KiB')
    expect(sent).toHaveLength(3)
  })

  it('accepts 1 MiB of valid frames arriving in a single read', async () => {
    // A transport may hand over several frames at once: a WebSocket message, a stream resumed after a
    // pause, or the bytes the handshake reader buffered and gave back on unwrap. Valid frames are valid
    // however they are batched; only a single frame's length is bounded (MAX_FRAME_CIPHERTEXT).
    const { a, b } = securedPair(8 * 1024 * 1024)
    const data = new Uint8Array(1024 * 1024).map((_, i) => i % 251)
    const arrived = receiveBytes(b, data.byteLength)
    a.send(data)
    const got = await withDeadline(arrived, DEADLINE_MS, '1 MiB in one read')
    expect(Buffer.compare(got, data)).toBe(0)
    expect(b.status).toBe('open')
  })

  it('carries data both ways, each direction with its own key', async () => {
    const { a, b } = securedPair()
    const atB = receiveBytes(b, 4)
    const atA = receiveBytes(a, 4)
    a.send(Buffer.from('ping'))
    b.send(Buffer.from('pong'))
    const [gotB, gotA] = await withDeadline(Promise.all([atB, atA]), DEADLINE_MS, 'ping/pong')
    expect(Buffer.from(gotB).toString()).toBe('ping')
    expect(Buffer.from(gotA).toString()).toBe('pong')
  })
})
