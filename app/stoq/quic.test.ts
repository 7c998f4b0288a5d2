/**
 * STOQ over QUIC between real libp2p nodes on loopback, IPv4 and IPv6: the connection is QUIC underneath
 * and STOQ (hybrid post-quantum) on top, and a plain libp2p QUIC peer gets no connection either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { stoq, STOQ_PROTOCOL } from './encrypter'
import { stoqOverQuic } from './quic'
import { sendAll } from './backpressure'

const ECHO = '/hm-test/echo/1.0.0'
const ended = (connection: Connection): boolean => ['closed', 'aborted'].includes(connection.status)

async function stoqQuicNode(): Promise<Libp2p> {
  const node = await createLibp2p({
    transports: [stoqOverQuic()],
    connectionEncrypters: [stoq({ falcon: falcon1024.keygen() })],
    streamMuxers: [yamux()],
    addresses: { listen: ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip6/::1/udp/0/quic-v1'] },
  })
  await node.handle(ECHO, async (stream) => {
    for await (const chunk of stream) stream.send(chunk)
    await stream.close()
  })
  return node
}

const addressOf = (node: Libp2p, family: 'ip4' | 'ip6') => {
  const found = node.getMultiaddrs().find((a) => a.toString().startsWith(`/${family}/`))
  if (found == null) throw new Error(`no /${family} QUIC address`)
  return found
}

describe('STOQ over QUIC', () => {
  let a: Libp2p
  let b: Libp2p
  let plain: Libp2p

  beforeAll(async () => {
    ;[a, b] = await Promise.all([stoqQuicNode(), stoqQuicNode()])
    // libp2p's own QUIC: TLS 1.3 and QUIC streams, nothing post-quantum.
    plain = await createLibp2p({
      transports: [quic()],
      addresses: { listen: ['/ip4/127.0.0.1/udp/0/quic-v1'] },
    })
  }, 30_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), plain?.stop()])
  })

  it.each(['ip4', 'ip6'] as const)(
    'over %s: QUIC underneath, STOQ and yamux on top, data intact',
    async (family) => {
      const connection = await a.dial(addressOf(b, family))
      expect(connection.remoteAddr.toString()).toMatch(new RegExp(`^/${family}/.+/udp/\\d+/quic-v1/p2p/`))
      expect(connection.encryption).toBe(STOQ_PROTOCOL)
      expect(connection.multiplexer).toBe('/yamux/1.0.0')
      expect(connection.remotePeer.equals(b.peerId)).toBe(true)

      const stream = await connection.newStream(ECHO)
      const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 251)
      const echoed: Uint8Array[] = []
      const reading = (async () => {
        for await (const chunk of stream) echoed.push(chunk.subarray())
      })()
      const chunks = function* () {
        for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024)
      }
      await sendAll(stream, chunks())
      await stream.close()
      await reading
      expect(Buffer.concat(echoed).equals(Buffer.from(data))).toBe(true)
      await connection.close()
    },
  )

  it('refuses a plain libp2p QUIC peer that dials it: no stream opens, and the connection is closed', async () => {
    // QUIC's own handshake completes, so the plain peer thinks it is connected; ours is still to come.
    const connection = await plain.dial(addressOf(a, 'ip4'), { signal: AbortSignal.timeout(10_000) })
    // Its first stream is taken as the pipe, where only /stoq/1.0.0 is spoken.
    await expect(connection.newStream(ECHO, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
    await expect.poll(() => ended(connection), { timeout: 15_000 }).toBe(true)
    expect(a.getConnections(plain.peerId)).toHaveLength(0)
  })

  it('closes a QUIC connection that never opens the pipe', async () => {
    const connection = await plain.dial(addressOf(b, 'ip4'), { signal: AbortSignal.timeout(10_000) })
    // The node's inbound upgrade timeout (libp2p's default here) bounds the wait.
    await expect.poll(() => ended(connection), { timeout: 20_000 }).toBe(true)
    expect(b.getConnections(plain.peerId)).toHaveLength(0)
  }, 30_000)

  it('gets no connection when it dials a plain libp2p QUIC peer', async () => {
    const target = plain.getMultiaddrs()[0]?.toString() as string
    await expect(a.dial(multiaddr(target), { signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
    expect(a.getConnections(plain.peerId)).toHaveLength(0)
  })
})
