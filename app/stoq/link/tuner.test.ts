/**
 * The tuner against real libp2p: two STOQ nodes on loopback, a bulk stream between them, and the yamux
 * windows it sets checked where yamux keeps them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Connection, Stream } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { stoqTransportProfile } from '../stoq-profile'
import { sendAll } from '../backpressure'
import { MAX_STREAM_WINDOW } from './tiers'
import { applyStreamWindow, tuneConnection, yamuxOf, YamuxShapeError, type YamuxInternals } from './tuner'

const BULK = '/hm-test/bulk/1.0.0'

async function stoqNode(): Promise<Libp2p> {
  return createLibp2p({
    ...stoqTransportProfile({ falcon: falcon1024.keygen() }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  })
}

describe('link tuner (two STOQ nodes on loopback)', () => {
  let sender: Libp2p
  let receiver: Libp2p
  let outbound: Connection
  let received = 0
  let sent = 0
  let bulk: Stream

  beforeAll(async () => {
    ;[sender, receiver] = await Promise.all([stoqNode(), stoqNode()])
    await receiver.handle(BULK, async (stream) => {
      for await (const chunk of stream) received += chunk.byteLength
    })
    outbound = await sender.dial(receiver.getMultiaddrs()[0] as never)
    bulk = await outbound.newStream(BULK)
    // 1.5 s of 256 KiB chunks: several full delivery-rate samples at any speed.
    const chunk = new Uint8Array(256 * 1024)
    const until = performance.now() + 1_500
    sent = await sendAll(
      bulk,
      (function* () {
        while (performance.now() < until) yield chunk
      })(),
    )
  }, 60_000)

  afterAll(async () => {
    await Promise.all([sender?.stop(), receiver?.stop()])
  })

  const inbound = (): Connection => {
    const found = receiver.getConnections(sender.peerId)[0]
    if (found == null) throw new Error('the receiver has no connection')
    return found
  }

  it('finds the yamux muxer of a STOQ connection', () => {
    const yamux = yamuxOf(inbound()) as YamuxInternals
    expect(yamux).not.toBeNull()
    expect(yamux.streams.length).toBeGreaterThan(0)
  })

  it("measures the receiver's link from the bulk stream and holds its streams to the tuned window", async () => {
    await expect.poll(() => received, { timeout: 20_000 }).toBe(sent)
    const tuning = tuneConnection(inbound())
    expect(tuning).not.toBeNull()
    const window = tuning?.maxStreamWindowBytes as number
    expect(window).toBeLessThanOrEqual(MAX_STREAM_WINDOW)
    const yamux = yamuxOf(inbound()) as YamuxInternals
    expect(yamux.streamOptions?.maxStreamWindowSize).toBe(window)
    for (const stream of yamux.streams) {
      expect(stream.maxStreamWindowSize).toBe(window)
      expect(stream.recvWindow).toBeLessThanOrEqual(window)
    }
    // And a stream opened afterwards starts under the same cap.
    const later = await outbound.newStream(BULK)
    await expect.poll(() => (yamuxOf(inbound()) as YamuxInternals).streams.length).toBeGreaterThan(1)
    for (const stream of (yamuxOf(inbound()) as YamuxInternals).streams) {
      expect(stream.maxStreamWindowSize).toBe(window)
    }
    await later.close()
  })

  it('reports the link in the traffic record the metrics snapshot reads', () => {
    const yamux = yamuxOf(inbound()) as YamuxInternals
    const counters = yamux.maConn.counters as { link: { estimate(now: number): { tier: string | null } } }
    expect(counters.link.estimate(performance.now()).tier).not.toBeNull()
  })
})

describe('yamuxOf', () => {
  const connectionWith = (muxer: unknown): Connection => ({ muxer }) as unknown as Connection

  it('is null for a connection without yamux', () => {
    expect(yamuxOf(connectionWith(undefined))).toBeNull()
    expect(yamuxOf(connectionWith({ protocol: '/mplex/6.7.0' }))).toBeNull()
  })

  it.each([
    ['rtt', { streams: [], maConn: {}, streamOptions: {} }],
    ['streams', { rtt: 1, maConn: {}, streamOptions: {} }],
    ['maConn', { rtt: 1, streams: [], streamOptions: {} }],
    ['streamOptions', { rtt: 1, streams: [], maConn: {} }],
    ['stream windows', { rtt: 1, streams: [{ recvWindow: 1 }], maConn: {}, streamOptions: {} }],
  ])('fails loudly when yamux no longer has %s', (_what, shape) => {
    expect(() => yamuxOf(connectionWith({ protocol: '/yamux/1.0.0', ...shape }))).toThrow(YamuxShapeError)
  })

  it('shrinks a larger window already granted, and leaves a smaller one', () => {
    const streams = [
      { maxStreamWindowSize: MAX_STREAM_WINDOW, recvWindow: 8 * 1024 * 1024 },
      { maxStreamWindowSize: MAX_STREAM_WINDOW, recvWindow: 256 * 1024 },
    ]
    const yamux = { rtt: 1, streams, maConn: {}, streamOptions: { initialStreamWindowSize: 256 * 1024 } }
    applyStreamWindow(yamux, 1024 * 1024)
    expect(streams.map((s) => [s.maxStreamWindowSize, s.recvWindow])).toEqual([
      [1024 * 1024, 1024 * 1024],
      [1024 * 1024, 256 * 1024],
    ])
    expect(yamux.streamOptions).toEqual({
      initialStreamWindowSize: 256 * 1024,
      maxStreamWindowSize: 1024 * 1024,
    })
  })
})
