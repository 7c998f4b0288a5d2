/**
 * npm run bench:stoq — STOQ against its baselines, measured in one run on loopback:
 * 1. bulk throughput of one connection: raw TCP (node:net, no encryption), libp2p's default stack
 *    (TCP + Noise + yamux), STOQ (TCP + STOQ + yamux) with the frame cipher it negotiates (AES-256-GCM
 *    between nodes) and with ChaCha20-Poly1305, and STOQ over QUIC (QUIC + STOQ + yamux). The
 *    receiver runs in a child process, so sender and receiver each have a core; each figure is the median
 *    of several runs.
 * 2. handshakes per second and handshake latency, STOQ hybrid against classical Noise (both ends in one
 *    thread over an in-memory pipe, so the figure is the CPU cost of one handshake, both sides together),
 *    and STOQ with its FALCON work on the node's signature workers: then the event loop's share is what
 *    stalls other connections.
 * 3. the frame cipher alone on one core (./cipher-speed.ts), the bound under all of the above.
 * Prints a table and writes bench/results/stoq.json.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { multiaddrConnectionPair } from '@libp2p/utils'
import type { ConnectionEncrypter, Upgrader } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { stoq } from '../app/stoq'
import {
  falconWorkerSigner,
  startSignatureWorkers,
  type SignatureWorkers,
} from '../app/node/workers/signature-workers'
import { runReceiver, sendFor, type Mode } from './stoq-peers'
import { benchHeader, writeBenchResult } from './report'
import { measureCipherSpeed } from './cipher-speed'

const here = fileURLToPath(import.meta.url)
const MODES: Mode[] = ['raw-tcp', 'libp2p-default', 'stoq', 'stoq-chacha', 'stoq-quic']
const LABELS: Record<Mode, string> = {
  'raw-tcp': 'raw TCP (node:net, no encryption)',
  'libp2p-default': 'libp2p default (TCP + Noise + yamux)',
  stoq: 'STOQ (TCP + STOQ hybrid PQ + yamux), AES-256-GCM frames',
  'stoq-chacha': 'STOQ, ChaCha20-Poly1305 frames',
  'stoq-quic': 'STOQ over QUIC (QUIC/TLS + STOQ hybrid PQ + yamux)',
}

interface ThroughputResult {
  mode: Mode
  runs: number[]
  medianGbps: number
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** One transfer of `seconds` over `mode`, the receiver in a child process; Gbit/s received. */
async function measureOnce(mode: Mode, seconds: number): Promise<number> {
  const child = fork(here, ['--receive', mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const address = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { address: string }).address))
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)))
  })
  const report = new Promise<{ bytes: number; ms: number }>((resolve) =>
    child.once('message', (m) => resolve(m as never)),
  )
  await sendFor(mode, address, seconds * 1000)
  const { bytes, ms } = await report
  if (child.exitCode == null) await new Promise((resolve) => child.once('exit', resolve))
  return (bytes * 8) / (ms / 1000) / 1e9
}

/**
 * Rounds of one run per mode, the modes taking turns, so that each round compares them over the same
 * minute of a machine whose speed drifts; ratios are taken within each round, then their median.
 */
async function measureThroughput(modes: Mode[], seconds: number, runs: number) {
  const byMode = new Map<Mode, number[]>(modes.map((m) => [m, []]))
  for (let round = 0; round < runs; round++) {
    for (const mode of modes) {
      process.stdout.write(`round ${round + 1}/${runs}: ${LABELS[mode]}… `)
      const gbps = await measureOnce(mode, seconds)
      byMode.get(mode)?.push(gbps)
      console.log(`${gbps.toFixed(2)} Gbit/s`)
    }
  }
  const results: ThroughputResult[] = modes.map((mode) => {
    const runs = byMode.get(mode) ?? []
    return { mode, runs, medianGbps: median(runs) }
  })
  const ratio = (a: Mode, b: Mode): number | null => {
    const x = byMode.get(a)
    const y = byMode.get(b)
    if (x == null || y == null || x.length === 0 || y.length === 0) return null
    return median(x.map((v, i) => v / (y[i] as number)))
  }
  return {
    results,
    ratios: { stoqVsRawTcp: ratio('stoq', 'raw-tcp'), stoqVsLibp2pDefault: ratio('stoq', 'libp2p-default') },
  }
}

type HandshakeKind = 'noise' | 'stoq' | 'stoq-workers'
const HANDSHAKE_LABELS: Record<HandshakeKind, string> = {
  noise: 'Noise XX (X25519)',
  stoq: 'STOQ (X25519 + ML-KEM-1024, FALCON-1024), FALCON inline',
  'stoq-workers': 'STOQ, FALCON on signature workers (as the node runs it)',
}

async function measureHandshakes(kind: HandshakeKind, count: number, workers: SignatureWorkers | null) {
  const upgrader = { getStreamMuxers: () => new Map() } as unknown as Upgrader
  const make = async (): Promise<ConnectionEncrypter> => {
    const privateKey = await generateKeyPair('Ed25519')
    const components = { privateKey, logger: defaultLogger(), upgrader }
    if (kind === 'noise') return noise()(components as never) as ConnectionEncrypter
    const falcon = falcon1024.keygen()
    const falconSigner =
      kind === 'stoq-workers' && workers != null ? falconWorkerSigner(workers, falcon) : undefined
    return stoq({ falcon, falconSigner })(components)
  }
  const [a, b] = [await make(), await make()]
  const once = async (): Promise<number> => {
    const [outbound, inbound] = multiaddrConnectionPair()
    const start = performance.now()
    await Promise.all([
      a.secureOutbound(outbound, { skipStreamMuxerNegotiation: true }),
      b.secureInbound(inbound, { skipStreamMuxerNegotiation: true }),
    ])
    return performance.now() - start
  }
  for (let i = 0; i < 3; i++) await once() // warm up the JIT
  const latencies: number[] = []
  const started = performance.now()
  const loopBefore = performance.eventLoopUtilization()
  for (let i = 0; i < count; i++) latencies.push(await once())
  const perSecond = count / ((performance.now() - started) / 1000)
  // What the event loop spent per handshake, both sides: the time no other connection could run.
  const eventLoopMs = performance.eventLoopUtilization(loopBefore).active / count
  latencies.sort((x, y) => x - y)
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number
  return { kind, count, perSecond, p50Ms: q(0.5), p99Ms: q(0.99), eventLoopMs }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      receive: { type: 'string' },
      seconds: { type: 'string', default: '3' },
      runs: { type: 'string', default: '3' },
      handshakes: { type: 'string', default: '40' },
      modes: { type: 'string', default: MODES.join(',') },
    },
  })
  if (values.receive != null) return runReceiver(values.receive as Mode)

  const seconds = Number(values.seconds)
  const runs = Number(values.runs)
  const modes = values.modes.split(',').filter((m): m is Mode => (MODES as string[]).includes(m))
  const { results: throughput, ratios } = await measureThroughput(modes, seconds, runs)
  // --handshakes 0 skips this part (e.g. to profile the transfer alone).
  const handshakeCount = Number(values.handshakes)
  const workers = startSignatureWorkers(pino({ level: 'silent' }))
  const handshakes: Awaited<ReturnType<typeof measureHandshakes>>[] = []
  if (handshakeCount > 0)
    for (const kind of ['noise', 'stoq', ...(workers == null ? [] : ['stoq-workers'])] as HandshakeKind[])
      handshakes.push(await measureHandshakes(kind, handshakeCount, workers))
  await workers?.stop()

  console.log('\nBulk throughput, one connection on loopback (median of %d runs of %d s)', runs, seconds)
  console.table(
    throughput.map((t) => ({
      transport: LABELS[t.mode],
      'Gbit/s': t.medianGbps.toFixed(2),
      runs: t.runs.map((r) => r.toFixed(2)).join(' '),
    })),
  )
  const show = (r: number | null): string => (r == null ? 'not measured' : `${r.toFixed(2)}x`)
  console.log(
    `Median of the per-round ratios: STOQ / raw TCP ${show(ratios.stoqVsRawTcp)}, ` +
      `STOQ / libp2p default ${show(ratios.stoqVsLibp2pDefault)}`,
  )
  // The bound on any one connection here: what the frame cipher alone does on one core.
  const ciphers = measureCipherSpeed(2)
  console.log('\nThe cipher alone, one core, 1 MiB buffers (node:crypto)')
  console.table(ciphers.map((c) => ({ cipher: c.cipher, 'Gbit/s': c.gbitPerSecond.toFixed(2) })))
  console.log('\nHandshakes (both ends in one thread: CPU cost of a whole handshake)')
  console.table(
    handshakes.map((h) => ({
      handshake: HANDSHAKE_LABELS[h.kind],
      'per second': h.perSecond.toFixed(1),
      'p50 ms': h.p50Ms.toFixed(1),
      'p99 ms': h.p99Ms.toFixed(1),
      'event loop ms': h.eventLoopMs.toFixed(1),
    })),
  )

  const report = {
    ...benchHeader(
      `npm run bench:stoq -- --seconds ${seconds} --runs ${runs} --handshakes ${handshakeCount}`,
    ),
    throughput,
    ratios,
    cipherAloneOneCore: ciphers,
    handshakes,
  }
  writeBenchResult('stoq', report)
}

main().catch((err: Error) => {
  console.error(err)
  process.exit(1)
})
