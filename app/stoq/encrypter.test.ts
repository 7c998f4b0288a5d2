import { describe, it, expect, beforeAll } from 'vitest'
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js'
import { Uint8ArrayList } from 'uint8arraylist'
import type {
  ConnectionEncrypter,
  MessageStream,
  PeerId,
  SecuredConnection,
  StreamMuxerFactory,
  Upgrader,
} from '@libp2p/interface'
import {
  connectionEncrypterComplianceTests,
  receiveBytes,
  withDeadline,
} from '../../test/compliance/connection-encrypter'
import { stoq, type StoqExtensions, type StoqInit } from './encrypter'
import { generateX25519, KEM_CIPHERTEXT_LEN, MESSAGE1_LEN, STOQ_NOISE_PROTOCOL } from './handshake/xxhfs'
import { TAGLEN } from './handshake/symmetric-state'
import { FrameCipher, MAX_FRAME_CIPHERTEXT, SecureMessageStream } from './secure-stream'
import { nobleCrypto } from './crypto/noble'
import { nodeCrypto } from './crypto/node'
import { createStoqMetrics } from './metrics'

type FalconKeyPair = { publicKey: Uint8Array; secretKey: Uint8Array }

const upgrader = { getStreamMuxers: () => new Map() } as unknown as Upgrader
const NO_MUXER = { skipStreamMuxerNegotiation: true } as const
const DEADLINE_MS = 10_000

// FALCON-1024 keygen costs about half a second: three key pairs for the whole file, shared by every peer.
let falconKeys: FalconKeyPair[] = []
let nextFalcon = 0
const someFalconKeys = (): FalconKeyPair => falconKeys[nextFalcon++ % falconKeys.length] as FalconKeyPair
beforeAll(() => {
  falconKeys = [falcon1024.keygen(), falcon1024.keygen(), falcon1024.keygen()]
})

connectionEncrypterComplianceTests('noise (reference)', async () => ({
  async create() {
    const privateKey = await generateKeyPair('Ed25519')
    const peerId = peerIdFromPrivateKey(privateKey)
    const encrypter = noise()({ peerId, privateKey, logger: defaultLogger(), upgrader })
    return { encrypter, peerId }
  },
}))

connectionEncrypterComplianceTests('stoq', async () => ({
  async create() {
    const { encrypter, peerId } = await stoqPeer()
    return { encrypter, peerId }
  },
}))

// The browser's primitives, and a browser (@noble) talking to a node (node:crypto) in both roles.
connectionEncrypterComplianceTests('stoq (@noble crypto)', async () => ({
  async create() {
    const { encrypter, peerId } = await stoqPeer({ crypto: nobleCrypto })
    return { encrypter, peerId }
  },
}))

connectionEncrypterComplianceTests('stoq (@noble and node:crypto peers)', async () => {
  let made = 0
  return {
    async create() {
      const { encrypter, peerId } = await stoqPeer({ crypto: made++ % 2 === 0 ? nobleCrypto : nodeCrypto })
      return { encrypter, peerId }
    },
  }
})

interface StoqPeer {
  encrypter: ConnectionEncrypter<StoqExtensions>
  peerId: PeerId
  falcon: FalconKeyPair
}

async function stoqPeer(init: Partial<StoqInit> = {}, muxers: string[] = []): Promise<StoqPeer> {
  const privateKey = await generateKeyPair('Ed25519')
  const falcon = init.falcon ?? someFalconKeys()
  const speaks = muxers.length === 0 ? upgrader : upgraderWith(muxers)
  const encrypter = stoq({ ...init, falcon })({ privateKey, logger: defaultLogger(), upgrader: speaks })
  return { encrypter, peerId: peerIdFromPrivateKey(privateKey), falcon }
}

/** An upgrader that offers these stream muxers (stand-in factories that only carry their protocol). */
function upgraderWith(protocols: string[]): Upgrader {
  const muxers = new Map(
    protocols.map((protocol) => [protocol, { protocol } as unknown as StreamMuxerFactory]),
  )
  return { getStreamMuxers: () => muxers } as unknown as Upgrader
}

/** A handshake message as the raw peer puts it on the wire: u16 big-endian length, then the bytes. */
const framed = (message: Uint8Array): Uint8Array =>
  Buffer.concat([Uint8Array.of(message.length >> 8, message.length & 0xff), message])

/** A well-formed message 1 (e ‖ e1), before any tampering. */
const message1 = (): Uint8Array => Buffer.concat([generateX25519().publicKey, ml_kem1024.keygen().publicKey])

/** Records what an open secured stream delivers, and the error (if any) it closes with. */
function watch(stream: MessageStream): { data: Uint8Array[]; ended: Promise<Error | undefined> } {
  expect(stream.status).toBe('open')
  const data: Uint8Array[] = []
  stream.addEventListener('message', (event) => data.push(event.data.subarray()))
  const ended = new Promise<Error | undefined>((resolve) =>
    stream.addEventListener('close', (event) => resolve(event.error), { once: true }),
  )
  return { data, ended }
}

describe('STOQ encrypter: refusing a bad message 1 from a raw peer', () => {
  let bob: StoqPeer
  beforeAll(async () => {
    bob = await stoqPeer()
  })

  async function inboundAfter(bytes: Uint8Array): Promise<unknown> {
    const [outbound, inbound] = multiaddrConnectionPair()
    const outcome = bob.encrypter.secureInbound(inbound, NO_MUXER)
    outbound.send(bytes)
    return withDeadline(
      outcome.then(
        () => null,
        (err: unknown) => err,
      ),
      DEADLINE_MS,
      'inbound handshake',
    )
  }

  it('refuses a message 1 one byte short (1599 bytes)', async () => {
    const error = await inboundAfter(framed(message1().subarray(0, MESSAGE1_LEN - 1)))
    expect(error).toHaveProperty('name', 'InvalidCryptoExchangeError')
    expect(String(error)).toMatch(/message 1 is truncated \(1599 of 1600/)
  })

  it('refuses a message 1 one byte long (1601 bytes)', async () => {
    const error = await inboundAfter(framed(Buffer.concat([message1(), Uint8Array.of(0)])))
    expect(error).toHaveProperty('name', 'InvalidCryptoExchangeError')
    expect(String(error)).toMatch(/message 1 is too long \(1601/)
  })

  it('refuses an all-zero (low-order) X25519 ephemeral key', async () => {
    const bytes = message1()
    bytes.fill(0, 0, 32)
    const error = await inboundAfter(framed(bytes))
    expect(error).toHaveProperty('name', 'InvalidCryptoExchangeError')
    expect(String(error)).toMatch(/X25519/)
  })

  it('refuses a random 1568-byte string as the ML-KEM-1024 public key', async () => {
    // @noble's ML-KEM runs the FIPS 203 modulus check on encapsulation, so the key is refused outright
    // (a random string passes it with probability about 0.81^1024).
    const bytes = Buffer.concat([generateX25519().publicKey, randomBytes(1568)])
    const error = await inboundAfter(framed(bytes))
    expect(error).toHaveProperty('name', 'InvalidCryptoExchangeError')
    expect(String(error)).toMatch(/invalid ML-KEM-1024 public key/)
  })
})

describe('STOQ encrypter: timeouts, extensions and metrics', () => {
  it.each(['inbound', 'outbound'] as const)(
    'abandons an %s handshake after handshakeTimeoutMs when the raw peer sends nothing',
    async (side) => {
      const metrics = createStoqMetrics()
      const peer = await stoqPeer({ handshakeTimeoutMs: 150, metrics })
      const [outbound, inbound] = multiaddrConnectionPair()
      const started = performance.now()
      const outcome =
        side === 'inbound'
          ? peer.encrypter.secureInbound(inbound, NO_MUXER)
          : peer.encrypter.secureOutbound(outbound, NO_MUXER)
      await expect(withDeadline(outcome, DEADLINE_MS, 'timed-out handshake')).rejects.toThrow()
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
      expect(metrics.snapshot().handshakes).toEqual({
        succeeded: 0,
        failed: 1,
        failuresByReason: { timeout: 1 },
      })
    },
  )

  it("carries each peer's FALCON-1024 public key in remoteExtensions", async () => {
    const [alice, bob] = [
      await stoqPeer({ falcon: falconKeys[0] }),
      await stoqPeer({ falcon: falconKeys[1] }),
    ]
    const [outbound, inbound] = multiaddrConnectionPair()
    const [client, server] = await withDeadline(
      Promise.all([
        alice.encrypter.secureOutbound(outbound, { ...NO_MUXER, remotePeer: bob.peerId }),
        bob.encrypter.secureInbound(inbound, NO_MUXER),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    expect(Buffer.from(client.remoteExtensions?.falconPublicKey ?? [])).toEqual(
      Buffer.from(bob.falcon.publicKey),
    )
    expect(Buffer.from(server.remoteExtensions?.falconPublicKey ?? [])).toEqual(
      Buffer.from(alice.falcon.publicKey),
    )
    expect(client.remoteExtensions?.suite).toBe(STOQ_NOISE_PROTOCOL)
    expect(server.remoteExtensions?.suite).toBe(STOQ_NOISE_PROTOCOL)
  })

  it('frames with the negotiated cipher: AES-256-GCM between nodes, ChaCha20-Poly1305 where one end asks', async () => {
    const secure = async (a: Partial<StoqInit>, b: Partial<StoqInit>) => {
      const [alice, bob] = [await stoqPeer(a), await stoqPeer(b)]
      const [outbound, inbound] = multiaddrConnectionPair()
      return withDeadline(
        Promise.all([
          alice.encrypter.secureOutbound(outbound, NO_MUXER),
          bob.encrypter.secureInbound(inbound, NO_MUXER),
        ]),
        DEADLINE_MS,
        'handshake',
      )
    }
    for (const [a, b, chosen] of [
      [{}, {}, 'aes-256-gcm'],
      [{ frameCiphers: ['chacha20-poly1305'] }, {}, 'chacha20-poly1305'],
      [{ crypto: nobleCrypto }, {}, 'chacha20-poly1305'],
      [{}, { crypto: nobleCrypto }, 'aes-256-gcm'],
    ] as const) {
      const [client, server] = await secure(a, b)
      expect(client.remoteExtensions?.frameCipher).toBe(chosen)
      expect(server.remoteExtensions?.frameCipher).toBe(chosen)
      // Data goes through under that cipher, both ways.
      client.connection.send(Buffer.from('ping'))
      expect(Buffer.from(await receiveBytes(server.connection, 4)).toString()).toBe('ping')
      server.connection.send(Buffer.from('pong'))
      expect(Buffer.from(await receiveBytes(client.connection, 4)).toString()).toBe('pong')
      await Promise.all([client.connection.close(), server.connection.close()])
    }
  })

  it('refuses a peer with no frame cipher in common, saying what each offered', async () => {
    const [alice, bob] = [
      await stoqPeer({ frameCiphers: ['aes-256-gcm'] }),
      await stoqPeer({ frameCiphers: ['chacha20-poly1305'] }),
    ]
    const [outbound, inbound] = multiaddrConnectionPair()
    const inboundResult = bob.encrypter.secureInbound(inbound, NO_MUXER).catch((err: Error) => err)
    await expect(alice.encrypter.secureOutbound(outbound, NO_MUXER)).rejects.toThrow(
      /STOQ handshake refused: no frame cipher in common/,
    )
    outbound.abort(new Error('refused'))
    expect(await inboundResult).toBeInstanceOf(Error)
  })

  it('counts succeeded and failed handshakes, and the bytes of the frames', async () => {
    const metrics = createStoqMetrics()
    const [alice, bob] = [await stoqPeer(), await stoqPeer({ metrics })]

    const [outbound, inbound] = multiaddrConnectionPair()
    const [client, server] = await withDeadline(
      Promise.all([
        alice.encrypter.secureOutbound(outbound, NO_MUXER),
        bob.encrypter.secureInbound(inbound, NO_MUXER),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    const arrived = receiveBytes(server.connection, 4)
    client.connection.send(new TextEncoder().encode('ping'))
    await withDeadline(arrived, DEADLINE_MS, 'ping')

    const [rawOut, rawIn] = multiaddrConnectionPair()
    const refused = bob.encrypter.secureInbound(rawIn, NO_MUXER)
    rawOut.send(framed(new Uint8Array(10)))
    await expect(withDeadline(refused, DEADLINE_MS, 'refused handshake')).rejects.toThrow()

    const snapshot = metrics.snapshot()
    expect(snapshot.handshakes).toEqual({ succeeded: 1, failed: 1, failuresByReason: { refused: 1 } })
    expect(snapshot.handshakeMs.p50).toBeGreaterThan(0)
    // One frame: the u32 prefix is not counted, the 4 bytes of plaintext and the 16-byte tag are.
    expect(snapshot.bytesReceived).toBe(4 + TAGLEN)
    expect(snapshot.bytesSent).toBe(0)
  })
})

describe('STOQ encrypter: a forged message 2 and stream muxer negotiation', () => {
  it('refuses a forged message 2 from a raw responder as InvalidCryptoExchangeError, counted as refused', async () => {
    const metrics = createStoqMetrics()
    const alice = await stoqPeer({ metrics })
    const [outbound, inbound] = multiaddrConnectionPair()
    // A valid X25519 key, then bytes that were never sealed under the handshake keys.
    const forged = Buffer.concat([
      generateX25519().publicKey,
      randomBytes(KEM_CIPHERTEXT_LEN + 2 * TAGLEN + 32 + 400),
    ])
    inbound.addEventListener('message', () => inbound.send(framed(forged)), { once: true })
    const error = await withDeadline(
      alice.encrypter.secureOutbound(outbound, NO_MUXER).then(
        () => null,
        (err: unknown) => err,
      ),
      DEADLINE_MS,
      'outbound handshake',
    )
    expect(error).toHaveProperty('name', 'InvalidCryptoExchangeError')
    expect(metrics.snapshot().handshakes.failuresByReason).toEqual({ refused: 1 })
  })

  it("both sides pick the initiator's first stream muxer that the responder also speaks", async () => {
    const alice = await stoqPeer({}, ['/mplex/6.7.0', '/yamux/1.0.0', '/other/1'])
    const bob = await stoqPeer({}, ['/other/1', '/yamux/1.0.0'])
    const [outbound, inbound] = multiaddrConnectionPair()
    const [client, server] = await withDeadline(
      Promise.all([alice.encrypter.secureOutbound(outbound), bob.encrypter.secureInbound(inbound)]),
      DEADLINE_MS,
      'handshake',
    )
    expect(client.streamMuxer?.protocol).toBe('/yamux/1.0.0')
    expect(server.streamMuxer?.protocol).toBe('/yamux/1.0.0')
  })

  it('rejects on both sides when the peers share no stream muxer', async () => {
    const alice = await stoqPeer({}, ['/mplex/6.7.0'])
    const bob = await stoqPeer({}, ['/yamux/1.0.0'])
    const [outbound, inbound] = multiaddrConnectionPair()
    const outcomes = await withDeadline(
      Promise.allSettled([alice.encrypter.secureOutbound(outbound), bob.encrypter.secureInbound(inbound)]),
      DEADLINE_MS,
      'handshake',
    )
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/no stream muxer in common/)
  })
})

describe('STOQ encrypter: the transport after the handshake', () => {
  let alice: StoqPeer
  let bob: StoqPeer
  beforeAll(async () => {
    alice = await stoqPeer()
    bob = await stoqPeer()
  })

  async function securedPair(): Promise<{
    client: SecuredConnection<StoqExtensions>
    server: SecuredConnection<StoqExtensions>
    outbound: MessageStream
    inbound: MessageStream
  }> {
    const [outbound, inbound] = multiaddrConnectionPair()
    const [client, server] = await withDeadline(
      Promise.all([
        alice.encrypter.secureOutbound(outbound, { ...NO_MUXER, remotePeer: bob.peerId }),
        bob.encrypter.secureInbound(inbound, NO_MUXER),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    return { client, server, outbound, inbound }
  }

  it('aborts the secured stream on a frame length above MAX_FRAME_CIPHERTEXT, delivering nothing', async () => {
    const { server, outbound } = await securedPair()
    const seen = watch(server.connection)
    const header = new Uint8Array(4)
    new DataView(header.buffer).setUint32(0, MAX_FRAME_CIPHERTEXT + 1)
    outbound.send(Buffer.concat([header, new Uint8Array(64)]))
    const error = await withDeadline(seen.ended, DEADLINE_MS, 'abort on oversized frame')
    expect(server.connection.status).toBe('aborted')
    expect(error).toHaveProperty('name', 'FrameError')
    expect(seen.data).toEqual([])
  })

  it('aborts on a replayed frame after delivering the original once', async () => {
    const { client, server, inbound, outbound } = await securedPair()
    // Record the ciphertext of the frame as it crosses the wire, then send those bytes again.
    const wire: Uint8Array[] = []
    inbound.addEventListener('message', (event) => wire.push(event.data.subarray()))
    const seen = watch(server.connection)
    const first = receiveBytes(server.connection, 5)
    client.connection.send(new TextEncoder().encode('hello'))
    await withDeadline(first, DEADLINE_MS, 'original frame')
    outbound.send(Buffer.concat(wire))
    const error = await withDeadline(seen.ended, DEADLINE_MS, 'abort on replay')
    expect(server.connection.status).toBe('aborted')
    expect(error).toHaveProperty('name', 'FrameError')
    expect(new TextDecoder().decode(Buffer.concat(seen.data))).toBe('hello')
  })

  it('delivers data the initiator sends before the responder has finished its side of the handshake', async () => {
    // libp2p's upgrader writes (multistream-select, muxer frames) as soon as secureOutbound resolves; the
    // responder may still be verifying message 3, so those frames wait in the handshake reader's buffer.
    const [outbound, inbound] = multiaddrConnectionPair()
    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251)
    const serverSide = bob.encrypter.secureInbound(inbound, NO_MUXER)
    const client = await withDeadline(
      alice.encrypter.secureOutbound(outbound, { ...NO_MUXER, remotePeer: bob.peerId }),
      DEADLINE_MS,
      'outbound handshake',
    )
    client.connection.send(big)
    const server = await withDeadline(serverSide, DEADLINE_MS, 'inbound handshake')
    const got = await withDeadline(receiveBytes(server.connection, big.byteLength), DEADLINE_MS, '1 MiB')
    expect(Buffer.compare(got, big)).toBe(0)
  })
})

describe('STOQ secured stream under chosen keys', () => {
  // The raw peer seals with `towardsReceiver`; the receiver would answer under `fromReceiver`.
  const towardsReceiver = randomBytes(32)
  const fromReceiver = randomBytes(32)

  /** A SecureMessageStream on the inbound end, and a raw outbound end with the matching sender cipher. */
  function receiverAndRawSender(): {
    receiver: SecureMessageStream
    raw: MessageStream
    seal: (plaintext: Uint8Array) => Uint8Array
  } {
    const [outbound, inbound] = multiaddrConnectionPair()
    const receiver = new SecureMessageStream(
      inbound,
      new FrameCipher(fromReceiver),
      new FrameCipher(towardsReceiver),
    )
    const sender = new FrameCipher(towardsReceiver)
    const seal = (plaintext: Uint8Array): Uint8Array => {
      const out = new Uint8ArrayList()
      sender.seal(plaintext, out)
      return out.subarray()
    }
    return { receiver, raw: outbound, seal }
  }

  it.each([
    ['the first ciphertext byte', 4],
    ['the last ciphertext byte', 4 + 11],
    ['the first tag byte', 4 + 12],
    ['the last tag byte', 4 + 12 + TAGLEN - 1],
  ])('aborts on a frame with %s flipped and delivers no data', async (_where, index) => {
    const { receiver, raw, seal } = receiverAndRawSender()
    const seen = watch(receiver)
    const frame = seal(new TextEncoder().encode('twelve bytes'))
    frame[index] = (frame[index] as number) ^ 0x01
    raw.send(frame)
    const error = await withDeadline(seen.ended, DEADLINE_MS, 'abort on tampered frame')
    expect(receiver.status).toBe('aborted')
    expect(error).toHaveProperty('name', 'FrameError')
    expect(seen.data).toEqual([])
  })

  it('delivers an untampered frame (the control for the tampering cases)', async () => {
    const { receiver, raw, seal } = receiverAndRawSender()
    const arrived = receiveBytes(receiver, 12)
    raw.send(seal(new TextEncoder().encode('twelve bytes')))
    expect(new TextDecoder().decode(await withDeadline(arrived, DEADLINE_MS, 'frame'))).toBe('twelve bytes')
    expect(receiver.status).toBe('open')
  })
})
