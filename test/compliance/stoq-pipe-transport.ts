/**
 * One suite that every STOQ-over-a-carrier transport must pass (app/stoq/pipe.ts: QUIC, WebRTC Direct):
 * real libp2p nodes on loopback, the carrier underneath and STOQ with yamux on top, data intact; and a
 * plain libp2p peer of the same carrier refused both ways, including one that connects and never opens
 * the pipe. Each transport calls {@link stoqPipeTransportComplianceTests} from its own test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { yamux } from '@chainsafe/libp2p-yamux'
import { noise } from '@chainsafe/libp2p-noise'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { stoq, STOQ_PROTOCOL } from '../../app/stoq/encrypter'
import { sendAll } from '../../app/stoq/backpressure'

type TransportFactory = NonNullable<Libp2pOptions['transports']>[number]

export interface StoqPipeTransportSetup {
  /** Shown in test names: "QUIC", "WebRTC Direct". */
  name: string
  /** The transport under test: the carrier with STOQ on top. */
  stoqTransport(): TransportFactory
  /** libp2p's own transport for the same carrier, with nothing post-quantum. */
  plainTransport(): TransportFactory
  /** What the STOQ nodes listen on; each family in `families` must be reachable on loopback. */
  listen: string[]
  families: Array<'ip4' | 'ip6'>
  /** What the plain peer listens on (IPv4 loopback). */
  plainListen: string
  /** Matches the carrier's part of a connection's remote address. */
  addressPattern: RegExp
}

const ECHO = '/hm-test/echo/1.0.0'
const ended = (connection: Connection): boolean => ['closed', 'aborted'].includes(connection.status)

async function echoOneMiB(connection: Connection): Promise<void> {
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
}

export function stoqPipeTransportComplianceTests(setup: StoqPipeTransportSetup): void {
  const stoqNode = async (): Promise<Libp2p> => {
    const node = await createLibp2p({
      transports: [setup.stoqTransport()],
      connectionEncrypters: [stoq({ falcon: falcon1024.keygen() })],
      streamMuxers: [yamux()],
      addresses: { listen: setup.listen },
    })
    await node.handle(ECHO, async (stream) => {
      for await (const chunk of stream) stream.send(chunk)
      await stream.close()
    })
    return node
  }
  // Loopback only: a wildcard listener announces the machine's other addresses too.
  const LOOPBACK = { ip4: '/ip4/127.0.0.1/', ip6: '/ip6/::1/' }
  const addressOf = (node: Libp2p, family: 'ip4' | 'ip6'): Multiaddr => {
    const found = node.getMultiaddrs().find((a) => a.toString().startsWith(LOOPBACK[family]))
    if (found == null) throw new Error(`no ${LOOPBACK[family]} ${setup.name} address`)
    return found
  }

  describe(`STOQ over ${setup.name} (pipe transport compliance)`, () => {
    let a: Libp2p
    let b: Libp2p
    let plain: Libp2p

    beforeAll(async () => {
      ;[a, b] = await Promise.all([stoqNode(), stoqNode()])
      // libp2p's own carrier: its classical handshake and its own streams, nothing post-quantum.
      plain = await createLibp2p({
        transports: [setup.plainTransport()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        addresses: { listen: [setup.plainListen] },
      })
      await plain.handle(ECHO, async (stream) => stream.close())
    }, 30_000)

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop(), plain?.stop()])
    })

    it.each(setup.families)(
      'over %s: the carrier underneath, STOQ and yamux on top, 1 MiB echoed intact',
      async (family) => {
        const connection = await a.dial(addressOf(b, family))
        expect(connection.remoteAddr.toString()).toMatch(new RegExp(`^/${family}/`))
        expect(connection.remoteAddr.toString()).toMatch(setup.addressPattern)
        expect(connection.encryption).toBe(STOQ_PROTOCOL)
        expect(connection.multiplexer).toBe('/yamux/1.0.0')
        expect(connection.remotePeer.equals(b.peerId)).toBe(true)
        await echoOneMiB(connection)
        await connection.close()
        // So that the next family's dial makes a connection of its own rather than reusing this one.
        await expect.poll(() => a.getConnections(b.peerId).length, { timeout: 15_000 }).toBe(0)
      },
    )

    it('refuses a plain peer that dials it: no stream opens, and the connection is closed', async () => {
      // The carrier's own handshake completes, so the plain peer thinks it is connected; ours is to come.
      const connection = await plain.dial(addressOf(a, 'ip4'), { signal: AbortSignal.timeout(10_000) })
      // Its first stream is taken as the pipe, where only /stoq/1.0.0 is spoken.
      await expect(connection.newStream(ECHO, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
      await expect.poll(() => ended(connection), { timeout: 15_000 }).toBe(true)
      expect(a.getConnections(plain.peerId)).toHaveLength(0)
    })

    it('closes a carrier connection that never opens the pipe', async () => {
      const connection = await plain.dial(addressOf(b, 'ip4'), { signal: AbortSignal.timeout(10_000) })
      // The node's inbound upgrade timeout (libp2p's default here) bounds the wait.
      await expect.poll(() => ended(connection), { timeout: 20_000 }).toBe(true)
      expect(b.getConnections(plain.peerId)).toHaveLength(0)
    }, 30_000)

    it('gets no connection when it dials a plain peer', async () => {
      await expect(a.dial(addressOf(plain, 'ip4'), { signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
      expect(a.getConnections(plain.peerId)).toHaveLength(0)
    })
  })
}
