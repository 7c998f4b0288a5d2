/**
 * One suite that every libp2p connection encrypter must pass (in the spirit of js-libp2p's
 * interface-compliance-tests): the handshake over a multiaddr connection pair, peer ids, data both ways,
 * the dialed-peer check, abort signals, garbage from a raw peer, and close. Each implementation calls
 * {@link connectionEncrypterComplianceTests} from its own test file with a setup that makes fresh peers.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { multiaddrConnectionPair, type MultiaddrConnectionPairOptions } from '@libp2p/utils'
import type { ConnectionEncrypter, MessageStream, PeerId, SecuredConnection } from '@libp2p/interface'

export interface EncrypterPeer {
  encrypter: ConnectionEncrypter
  peerId: PeerId
}

export interface ConnectionEncrypterSetup {
  /** A new peer: its own identity and an encrypter built for it. */
  create(): Promise<EncrypterPeer>
}

const HANDSHAKE_DEADLINE_MS = 10_000
const DATA_DEADLINE_MS = 20_000
const NO_MUXER = { skipStreamMuxerNegotiation: true } as const

/** Settles as `promise` does, or rejects once `ms` have passed: a bound, not a sleep. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no outcome within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Collects what `stream` delivers until `length` bytes have arrived (or the stream closes first). */
export function receiveBytes(stream: MessageStream, length: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let received = 0
  return new Promise((resolve, reject) => {
    if (stream.status !== 'open') {
      reject(new Error(`the stream is already ${stream.status}`))
      return
    }
    const onMessage = (event: { data: { subarray(): Uint8Array } }): void => {
      const chunk = event.data.subarray()
      chunks.push(chunk)
      received += chunk.byteLength
      if (received >= length) {
        stream.removeEventListener('message', onMessage)
        stream.removeEventListener('close', onClose)
        resolve(Buffer.concat(chunks))
      }
    }
    const onClose = (event: { error?: Error }): void => {
      stream.removeEventListener('message', onMessage)
      const why = event.error == null ? '' : ` (${event.error.name}: ${event.error.message})`
      reject(new Error(`the stream closed after ${received} of ${length} bytes${why}`))
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
  })
}

/** Resolves once `stream` is no longer open (now, or at its 'close' event). */
export function closed(stream: MessageStream): Promise<void> {
  if (stream.status !== 'open' && stream.status !== 'closing') return Promise.resolve()
  return new Promise((resolve) => stream.addEventListener('close', () => resolve(), { once: true }))
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure replays the same input. */
export function garbage(length: number, seed = 0x5eed): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export function connectionEncrypterComplianceTests(
  name: string,
  setup: () => Promise<ConnectionEncrypterSetup>,
): void {
  describe(`${name}: connection encrypter compliance`, () => {
    let alice: EncrypterPeer
    let bob: EncrypterPeer
    let mallory: EncrypterPeer

    beforeAll(async () => {
      const factory = await setup()
      alice = await factory.create()
      bob = await factory.create()
      mallory = await factory.create()
    })

    /** Alice dials Bob over a fresh connection pair. */
    async function secureBoth(
      pair: MultiaddrConnectionPairOptions = {},
    ): Promise<{ client: SecuredConnection; server: SecuredConnection }> {
      const [outbound, inbound] = multiaddrConnectionPair(pair)
      const [client, server] = await withDeadline(
        Promise.all([
          alice.encrypter.secureOutbound(outbound, { ...NO_MUXER, remotePeer: bob.peerId }),
          bob.encrypter.secureInbound(inbound, NO_MUXER),
        ]),
        HANDSHAKE_DEADLINE_MS,
        'handshake',
      )
      return { client, server }
    }

    /** Alice dials Bob while expecting `expected`; returns the outbound error and ends the inbound side. */
    async function dialExpecting(expected: PeerId): Promise<unknown> {
      const [outbound, inbound] = multiaddrConnectionPair()
      const stopInbound = new AbortController()
      const serverSide = bob.encrypter.secureInbound(inbound, { ...NO_MUXER, signal: stopInbound.signal })
      const serverOutcome = serverSide.then(
        () => 'secured',
        () => 'rejected',
      )
      const error = await withDeadline(
        alice.encrypter.secureOutbound(outbound, { ...NO_MUXER, remotePeer: expected }).then(
          () => null,
          (err: unknown) => err,
        ),
        HANDSHAKE_DEADLINE_MS,
        'outbound handshake',
      )
      // The responder waits for a message the dialer will never send: it must end without a secured
      // connection once its own signal aborts.
      stopInbound.abort()
      expect(await withDeadline(serverOutcome, HANDSHAKE_DEADLINE_MS, 'inbound handshake')).toBe('rejected')
      return error
    }

    it('names its protocol', () => {
      expect(alice.encrypter.protocol).toMatch(/^\/\S+$/)
    })

    it('secures both ends and each learns the peer id of the other', async () => {
      const { client, server } = await secureBoth()
      expect(client.remotePeer.equals(bob.peerId)).toBe(true)
      expect(server.remotePeer.equals(alice.peerId)).toBe(true)
      expect(client.remotePeer.toString()).toBe(bob.peerId.toString())
      expect(server.remotePeer.toString()).toBe(alice.peerId.toString())
    })

    it('secures an outbound connection without knowing the remote peer in advance', async () => {
      const [outbound, inbound] = multiaddrConnectionPair()
      const [client, server] = await withDeadline(
        Promise.all([
          alice.encrypter.secureOutbound(outbound, NO_MUXER),
          bob.encrypter.secureInbound(inbound, NO_MUXER),
        ]),
        HANDSHAKE_DEADLINE_MS,
        'handshake',
      )
      expect(client.remotePeer.equals(bob.peerId)).toBe(true)
      expect(server.remotePeer.equals(alice.peerId)).toBe(true)
    })

    it('delivers small messages each way, in order and intact', async () => {
      const { client, server } = await secureBoth()
      const toServer = ['one', 'two', 'three', 'four', 'five'].map((s) => new TextEncoder().encode(s))
      const toClient = ['un', 'deux', 'trois'].map((s) => new TextEncoder().encode(s))
      const atServer = receiveBytes(server.connection, Buffer.concat(toServer).byteLength)
      const atClient = receiveBytes(client.connection, Buffer.concat(toClient).byteLength)
      for (const message of toServer) client.connection.send(message)
      for (const message of toClient) server.connection.send(message)
      const [gotServer, gotClient] = await withDeadline(
        Promise.all([atServer, atClient]),
        DATA_DEADLINE_MS,
        'small messages',
      )
      expect(new TextDecoder().decode(gotServer)).toBe('onetwothreefourfive')
      expect(new TextDecoder().decode(gotClient)).toBe('undeuxtrois')
    })

    it.each([
      ['64 KiB reads (TCP-like)', 64 * 1024],
      ['whole-buffer reads (a WebSocket message, a resumed stream)', 8 * 1024 * 1024],
    ])('delivers a 4 MiB buffer intact, byte for byte, over %s', async (_transport, chunkSize) => {
      const { client, server } = await secureBoth({ chunkSize })
      // i mod 251 (a prime): a chunk delivered at the wrong offset or twice shows up as wrong bytes.
      const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251)
      const arrived = receiveBytes(server.connection, big.byteLength)
      client.connection.send(big)
      const got = await withDeadline(arrived, DATA_DEADLINE_MS, '4 MiB transfer')
      expect(got.byteLength).toBe(big.byteLength)
      expect(Buffer.compare(got, big)).toBe(0)
    })

    it('rejects an outbound handshake when the remote is not the peer it dialed', async () => {
      const error = await dialExpecting(mallory.peerId)
      expect(error).toBeInstanceOf(Error)
    })

    it('reports a remote that is not the dialed peer as UnexpectedPeerError (the libp2p contract)', async () => {
      const error = await dialExpecting(mallory.peerId)
      expect(error).toHaveProperty('name', 'UnexpectedPeerError')
    })

    it('rejects an outbound handshake whose signal aborts mid-handshake', async () => {
      const [outbound, inbound] = multiaddrConnectionPair()
      const controller = new AbortController()
      // A raw peer that never answers; abort once the first handshake message reaches it.
      inbound.addEventListener('message', () => controller.abort(), { once: true })
      const outcome = alice.encrypter.secureOutbound(outbound, {
        ...NO_MUXER,
        remotePeer: bob.peerId,
        signal: controller.signal,
      })
      await expect(withDeadline(outcome, HANDSHAKE_DEADLINE_MS, 'aborted outbound')).rejects.toThrow()
      expect(controller.signal.aborted).toBe(true)
    })

    it('rejects an inbound handshake whose signal aborts while it waits for the dialer', async () => {
      const [, inbound] = multiaddrConnectionPair()
      const controller = new AbortController()
      const outcome = bob.encrypter.secureInbound(inbound, { ...NO_MUXER, signal: controller.signal })
      controller.abort()
      await expect(withDeadline(outcome, HANDSHAKE_DEADLINE_MS, 'aborted inbound')).rejects.toThrow()
    })

    it('rejects garbage from a raw peer instead of hanging', async () => {
      const [outbound, inbound] = multiaddrConnectionPair()
      const outcome = bob.encrypter.secureInbound(inbound, NO_MUXER)
      // 256 KiB: more than enough to complete any 16-bit-length-prefixed handshake message several times over.
      outbound.send(garbage(256 * 1024))
      await expect(withDeadline(outcome, HANDSHAKE_DEADLINE_MS, 'inbound fed garbage')).rejects.toThrow()
    })

    it('closing one side delivers what it sent, then closes the other side', async () => {
      const { client, server } = await secureBoth()
      const lastWords = new TextEncoder().encode('goodbye')
      const arrived = receiveBytes(server.connection, lastWords.byteLength)
      client.connection.send(lastWords)
      await withDeadline(client.connection.close(), DATA_DEADLINE_MS, 'local close')
      expect(Buffer.from(await withDeadline(arrived, DATA_DEADLINE_MS, 'data before close'))).toEqual(
        Buffer.from(lastWords),
      )
      await withDeadline(closed(server.connection), DATA_DEADLINE_MS, 'remote close')
      expect(client.connection.status).toBe('closed')
      expect(server.connection.status).toBe('closed')
      expect(server.connection.readableEnded).toBe(true)
    })
  })
}
