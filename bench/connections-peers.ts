/**
 * The two roles of bench/connections.ts: the node under test (one STOQ libp2p node with an echo protocol)
 * and a client process (many minimal STOQ libp2p nodes, one connection each).
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import {
  CONNECTION_MONITOR,
  createConnectionLimiter,
  fixQuadraticGetConnections,
  stoq,
  stoqTransportProfile,
} from '../app/stoq'
import { falconWorkerSigner, startSignatureWorkers } from '../app/node/workers/signature-workers'

const ECHO = '/hypermesh/bench/echo/1.0.0'
const DIAL_CONCURRENCY = 16

/** The node under test allows this many connections; its heap cap is the daemon's for that many. */
export const serverMaxConnections = (expected: number): number => expected + 1_000

export async function runServer(expected: number, options: { inlineFalcon: boolean }): Promise<void> {
  // As the node does: handshakes sign and verify with FALCON on the signature workers.
  const falcon = falcon1024.keygen()
  const workers = options.inlineFalcon ? null : startSignatureWorkers(pino({ level: 'silent' }))
  // The node's own limits, raised only where one host (this machine) stands for thousands of peers.
  const node = await createLibp2p({
    ...stoqTransportProfile({
      falcon,
      falconSigner: workers == null ? undefined : falconWorkerSigner(workers, falcon),
    }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    connectionManager: {
      maxConnections: serverMaxConnections(expected),
      maxIncomingPendingConnections: 512,
      inboundConnectionThreshold: 1_000_000,
      inboundUpgradeTimeout: 120_000,
    },
    connectionMonitor: CONNECTION_MONITOR,
    // Every client dials from 127.0.0.1: one host, one network, so their limits are opened up here.
    connectionGater: createConnectionLimiter(
      {
        maxPendingPerHost: 512,
        maxPendingPerNetwork: 512,
        inboundPerNetworkPerSecond: 1_000_000,
        inboundHandshakesPerSecond: 1_000_000,
        maxConnectionsPerPeer: 4,
      },
      () => 0,
    ),
  })
  fixQuadraticGetConnections(node)
  await node.handle(
    ECHO,
    async (stream: Stream) => {
      for await (const chunk of stream) stream.send(chunk)
      await stream.close()
    },
    { maxInboundStreams: 4 },
  )
  process.send?.({ address: node.getMultiaddrs()[0]?.toString(), falconWorkers: workers?.threads ?? 0 })
  // Exit cleanly when told to stop, so --cpu-prof can write its profile.
  process.on('SIGTERM', () => process.exit(0))
  // The parent asks for the live heap after a full collection (needs --expose-gc).
  process.on('message', (message) => {
    if ((message as { type?: string }).type !== 'gc') return
    const collect = (globalThis as { gc?: () => void }).gc
    collect?.()
    const usage = process.memoryUsage()
    process.send?.({
      heapUsedMiB: usage.heapUsed / 2 ** 20,
      externalMiB: usage.external / 2 ** 20,
      arrayBuffersMiB: usage.arrayBuffers / 2 ** 20,
    })
  })
}

async function roundTrip(node: Libp2p, address: string): Promise<void> {
  const stream = await node.dialProtocol(multiaddr(address), ECHO, { signal: AbortSignal.timeout(120_000) })
  const payload = crypto.getRandomValues(new Uint8Array(32))
  stream.send(payload)
  await stream.close()
  const received: Uint8Array[] = []
  for await (const chunk of stream) received.push(chunk.subarray())
  const echoed = Buffer.concat(received)
  if (!echoed.equals(Buffer.from(payload))) throw new Error(`echo mismatch (${echoed.length} bytes back)`)
}

export async function runClients(address: string, count: number, poolSize: number): Promise<void> {
  const pool = Array.from({ length: Math.max(1, Math.min(poolSize, count)) }, () => falcon1024.keygen())
  const nodes: Libp2p[] = []
  const errors = new Set<string>()
  let connected = 0
  let failed = 0
  const report = (type: 'progress' | 'done' | 'verified'): void => {
    process.send?.({ type, connected, failed, errors: [...errors].slice(0, 5) })
  }

  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      let node: Libp2p | undefined
      try {
        node = await createLibp2p({
          transports: [tcp()],
          connectionEncrypters: [
            stoq({ falcon: pool[i % pool.length] as { publicKey: Uint8Array; secretKey: Uint8Array } }),
          ],
          streamMuxers: [yamux()],
          // The node under test handshakes with thousands of peers on a shared CPU: measure, don't time out.
          connectionManager: { dialTimeout: 300_000, addressDialTimeout: 300_000 },
          // Clients stand for HyperMesh nodes, which use the same monitor setting.
          connectionMonitor: CONNECTION_MONITOR,
        })
        await roundTrip(node, address)
        nodes.push(node)
        connected++
      } catch (err) {
        failed++
        errors.add((err as Error).message)
        await Promise.resolve(node?.stop()).catch(() => {})
      }
      if ((connected + failed) % 100 === 0) report('progress')
    }
  }
  await Promise.all(Array.from({ length: DIAL_CONCURRENCY }, worker))
  report('done')

  process.on('message', (message) => {
    if ((message as { type?: string }).type !== 'verify') return
    void (async () => {
      // A second round trip on every connection, which must still be the same one (no redial).
      const before = connected
      const failedBefore = failed
      connected = 0
      // A few at a time: all at once would measure a burst of stream opens, not the held connections.
      const results: Array<PromiseSettledResult<void>> = []
      for (let i = 0; i < nodes.length; i += DIAL_CONCURRENCY) {
        const batch = nodes.slice(i, i + DIAL_CONCURRENCY)
        results.push(
          ...(await Promise.allSettled(
            batch.map(async (node) => {
              if (node.getConnections().length === 0) throw new Error('connection lost during the hold')
              await roundTrip(node, address)
            }),
          )),
        )
      }
      for (const r of results) {
        if (r.status === 'fulfilled') connected++
        else {
          failed++
          errors.add((r.reason as Error).message)
        }
      }
      if (connected + (failed - failedBefore) !== before) errors.add('bookkeeping mismatch in verify')
      report('verified')
    })()
  })
}
