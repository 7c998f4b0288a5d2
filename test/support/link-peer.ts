/**
 * The child process of the link tier test and benchmark: a STOQ node with the link tuner, run inside a
 * namespace of test/support/shaped-link.ts. Commands (JSON lines, test/support/child.ts):
 *
 * - `dial {address}`; `hangUp {peer}` (so the next case measures a fresh connection);
 * - `bulk {peer, seconds}`: sends for that long on a new stream, with backpressure;
 * - `lastBulk`: what the last bulk stream received here: bytes, and ms from its first byte to its last;
 * - `ping {peer, timeoutMs}`: one libp2p ping round trip, ms;
 * - `link {peer}`: the connection's link estimate and window, from the node's STOQ metrics.
 */
import { createLibp2p } from 'libp2p'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import {
  CONNECTION_MONITOR,
  createStoqMetrics,
  PING_STREAM_LIMITS,
  sendAll,
  startLinkTuner,
  stoqTransportProfile,
  tuneConnection,
} from '../../app/stoq'
import { emit, serveCommands } from './serve-commands'

export interface LinkPeerConfig {
  tcpPort: number
  /** Leave connections at yamux's defaults (the benchmark's baseline). */
  untuned?: boolean
}

const BULK = '/hm-test/bulk/1.0.0'
const CHUNK = new Uint8Array(256 * 1024).fill(0x5a)
const config = JSON.parse(process.argv[2] ?? '{}') as LinkPeerConfig

const metrics = createStoqMetrics()
const node = await createLibp2p({
  ...stoqTransportProfile({ falcon: falcon1024.keygen(), metrics }).libp2pOptions(),
  addresses: { listen: [`/ip4/0.0.0.0/tcp/${config.tcpPort}`] },
  services: { ping: ping(PING_STREAM_LIMITS) },
  connectionMonitor: CONNECTION_MONITOR,
})
if (config.untuned !== true) startLinkTuner(node, (err) => process.stderr.write(`tuner: ${err.message}\n`))

let lastBulk = { bytes: 0, ms: 0, done: false }
await node.handle(
  BULK,
  async (stream) => {
    const bulk = { bytes: 0, ms: 0, done: false }
    lastBulk = bulk
    let first = 0
    for await (const chunk of stream) {
      const now = performance.now()
      if (first === 0) first = now
      else bulk.bytes += chunk.byteLength // the first chunk arrived before the clock started
      bulk.ms = now - first
    }
    bulk.done = true
  },
  { maxInboundStreams: 8 },
)

const connectionTo = (peer: unknown) => {
  const found = node.getConnections(peerIdFromString(String(peer)))[0]
  if (found == null) throw new Error(`no connection to ${String(peer)}`)
  return found
}

serveCommands({
  dial: async ({ address }) => {
    const connection = await node.dial(multiaddr(String(address)), { signal: AbortSignal.timeout(15_000) })
    return { peer: connection.remotePeer.toString(), encryption: connection.encryption }
  },
  hangUp: async ({ peer }) => node.hangUp(peerIdFromString(String(peer))),
  bulk: async ({ peer, seconds }) => {
    const stream = await connectionTo(peer).newStream(BULK)
    const until = performance.now() + Number(seconds) * 1000
    const sent = await sendAll(
      stream,
      (function* () {
        while (performance.now() < until) yield CHUNK
      })(),
    )
    await stream.close()
    return sent
  },
  lastBulk: () => lastBulk,
  ping: async ({ peer, timeoutMs }) =>
    node.services.ping.ping(peerIdFromString(String(peer)), {
      signal: AbortSignal.timeout(Number(timeoutMs ?? 10_000)),
    }),
  link: ({ peer }) => {
    const connection = connectionTo(peer)
    if (config.untuned !== true) tuneConnection(connection)
    const snapshot = metrics.snapshot().connections.filter((c) => c.remotePeer === String(peer))
    return snapshot.at(-1) ?? null
  },
  stop: async () => {
    await node.stop()
    setImmediate(() => process.exit(0))
    return 'stopped'
  },
})
emit({ event: 'ready', peerId: node.peerId.toString() })
