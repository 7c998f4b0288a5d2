/**
 * The two ends of the throughput benchmark, for each transport under test. The receiver counts bytes from
 * the first to the last one and reports to its parent process; the sender writes as fast as the
 * transport's backpressure allows for a fixed time.
 */
import { connect, createServer } from 'node:net'
import { createLibp2p, type Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { classicTransportProfile, stoqTransportProfile, type TransportProfile } from '../app/stoq'

export type Mode = 'raw-tcp' | 'libp2p-default' | 'stoq' | 'stoq-chacha' | 'stoq-quic'
const PROTOCOL = '/hypermesh/bench/1.0.0'
const CHUNK = Buffer.alloc(256 * 1024, 0x5a)

const profileFor = (mode: Mode): TransportProfile => {
  if (mode === 'raw-tcp' || mode === 'libp2p-default') return classicTransportProfile()
  // STOQ negotiates its frame cipher (AES-256-GCM between nodes here); stoq-chacha offers ChaCha20 only.
  const frameCiphers = mode === 'stoq-chacha' ? (['chacha20-poly1305'] as const) : undefined
  return stoqTransportProfile({ falcon: falcon1024.keygen(), frameCiphers })
}

/** Tells the parent the result, then exits cleanly (so --cpu-prof can write its profile). */
const report = (bytes: number, ms: number): void => {
  process.send?.({ bytes, ms }, () => process.exit(0))
}

export async function runReceiver(mode: Mode): Promise<void> {
  if (mode === 'raw-tcp') {
    const server = createServer((socket) => {
      let bytes = 0
      let first = 0
      socket.on('data', (chunk: Buffer) => {
        if (first === 0) first = performance.now()
        bytes += chunk.length
      })
      socket.on('end', () => report(bytes, performance.now() - first))
    })
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      process.send?.({ address: typeof address === 'object' && address != null ? String(address.port) : '' })
    })
    return
  }
  const node = await createLibp2p({
    ...profileFor(mode).libp2pOptions(),
    addresses: { listen: [mode === 'stoq-quic' ? '/ip4/127.0.0.1/udp/0/quic-v1' : '/ip4/127.0.0.1/tcp/0'] },
  })
  await node.handle(PROTOCOL, async (stream: Stream) => {
    let bytes = 0
    let first = 0
    for await (const chunk of stream) {
      if (first === 0) first = performance.now()
      bytes += chunk.byteLength
    }
    report(bytes, performance.now() - first)
  })
  process.send?.({ address: node.getMultiaddrs()[0]?.toString() })
}

export async function sendFor(mode: Mode, address: string, ms: number): Promise<void> {
  if (mode === 'raw-tcp') {
    const socket = connect(Number(address), '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const deadline = performance.now() + ms
    while (performance.now() < deadline) {
      if (!socket.write(CHUNK)) await new Promise<void>((resolve) => socket.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve) => socket.end(() => resolve()))
    socket.destroy()
    return
  }
  const node: Libp2p = await createLibp2p({ ...profileFor(mode).libp2pOptions() })
  try {
    const stream = await node.dialProtocol(multiaddr(address), PROTOCOL)
    const deadline = performance.now() + ms
    while (performance.now() < deadline) {
      if (!stream.send(CHUNK)) {
        await new Promise<void>((resolve) =>
          stream.addEventListener('drain', () => resolve(), { once: true }),
        )
      }
    }
    await stream.close()
  } finally {
    await node.stop()
  }
}
