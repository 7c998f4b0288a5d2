/**
 * npm run bench:connections — many concurrent STOQ connections to one node.
 *
 * The node under test runs alone in a child process (its memory is measured from /proc). Client processes
 * each run many minimal libp2p nodes with distinct Ed25519 identities; each dials the node over STOQ, does a
 * stream round trip, and keeps the connection. Once all are up they are held for --hold seconds, and then
 * every connection does a second round trip to prove it is still alive. Reported: connections, failures,
 * time to establish, the node's RSS before and at peak, and RSS per connection; JSON to
 * bench/results/connections.json.
 *
 * FALCON-1024 key generation takes about half a second, so the clients' FALCON key pairs come from a pool
 * (--falcon-pool); their libp2p identities are all distinct. The node signs and verifies every handshake.
 *
 * The node under test runs as the daemon runs: its heap capped for its connection limit
 * (app/node/heap-cap.ts), its handshakes' FALCON work on signature worker threads. --default-heap and
 * --inline-falcon run it without either, to compare.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runClients, runServer, serverMaxConnections } from './connections-peers'
import { heapCapFlag } from '../app/node/heap-cap'
import { benchHeader, writeBenchResult } from './report'

const here = fileURLToPath(import.meta.url)

interface ClientReport {
  type: 'progress' | 'done' | 'verified'
  connected: number
  failed: number
  errors: string[]
}

const rssOf = (pid: number): { rssMiB: number; peakMiB: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string): number =>
    Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') }
}

/** Starts a role in a child process; the node under test gets --expose-gc, to report its live heap. */
function spawnRole(args: string[], execArgv: string[]): ChildProcess {
  return fork(here, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
}

/** Asks the node under test to collect garbage and report its live heap. */
interface HeapReport {
  heapUsedMiB: number
  externalMiB: number
  arrayBuffersMiB: number
}

function liveHeapMiB(server: ChildProcess): Promise<HeapReport> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      if ((m as Partial<HeapReport>).heapUsedMiB == null) return
      server.off('message', onMessage)
      resolve(m as HeapReport)
    }
    server.on('message', onMessage)
    server.send({ type: 'gc' })
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean' },
      client: { type: 'string' },
      connections: { type: 'string', default: '10000' },
      processes: { type: 'string', default: '4' },
      hold: { type: 'string', default: '60' },
      'falcon-pool': { type: 'string', default: '32' },
      address: { type: 'string' },
      count: { type: 'string' },
      /** Write a CPU profile of the node under test to bench/results/profiles/. */
      'profile-node': { type: 'boolean' },
      /** V8 flags for the node under test, space-separated, as in --node-v8-flags=--max-old-space-size=512. */
      'node-v8-flags': { type: 'string', default: '' },
      /** Run the node under test on V8's default heap, not the daemon's cap for its connection limit. */
      'default-heap': { type: 'boolean' },
      /** Sign and verify handshakes on the node's event loop, not its signature workers. */
      'inline-falcon': { type: 'boolean' },
    },
  })
  if (values.serve === true)
    return runServer(Number(values.connections), { inlineFalcon: values['inline-falcon'] === true })
  if (values.client != null)
    return runClients(values.address as string, Number(values.count), Number(values['falcon-pool']))

  const total = Number(values.connections)
  const processes = Number(values.processes)
  const holdSeconds = Number(values.hold)
  const profileFlags =
    values['profile-node'] === true ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : []
  // The daemon's heap cap for the node's connection limit (app/node/heap-cap.ts), unless told otherwise.
  const heapFlags = values['default-heap'] === true ? [] : [heapCapFlag(serverMaxConnections(total))]
  const v8Flags = [...heapFlags, ...(values['node-v8-flags'] ?? '').split(' ').filter((f) => f.length > 0)]
  const serveArgs = ['--serve', '--connections', String(total)]
  if (values['inline-falcon'] === true) serveArgs.push('--inline-falcon')
  const server = spawnRole(serveArgs, ['--expose-gc', ...v8Flags, ...profileFlags])
  const { address, falconWorkers } = await new Promise<{ address: string; falconWorkers: number }>(
    (resolve) => server.once('message', (m) => resolve(m as { address: string; falconWorkers: number })),
  )
  const serverPid = server.pid as number
  await new Promise((r) => setTimeout(r, 500))
  const baseline = rssOf(serverPid)
  const heapBaseline = await liveHeapMiB(server)
  console.log(
    `node under test: pid ${serverPid}, ${address}, RSS ${baseline.rssMiB.toFixed(0)} MiB before any connection; ` +
      `V8 flags: ${v8Flags.join(' ') || 'none'}; FALCON on ${falconWorkers} worker thread(s)`,
  )

  const started = performance.now()
  const reports = new Map<number, ClientReport>()
  const clients = Array.from({ length: processes }, (_, i) => {
    const count = Math.floor(total / processes) + (i < total % processes ? 1 : 0)
    const child = spawnRole(
      [
        '--client',
        String(i),
        '--address',
        address,
        '--count',
        String(count),
        '--falcon-pool',
        values['falcon-pool'],
      ],
      ['--max-old-space-size=8192'],
    )
    child.on('message', (m) => reports.set(i, m as ClientReport))
    return child
  })
  const sum = (key: 'connected' | 'failed'): number => [...reports.values()].reduce((n, r) => n + r[key], 0)
  const allAre = (type: ClientReport['type']): boolean =>
    reports.size === processes && [...reports.values()].every((r) => r.type === type)

  let peak = baseline.peakMiB
  const monitor = setInterval(() => {
    const now = rssOf(serverPid)
    peak = Math.max(peak, now.peakMiB)
    process.stdout.write(
      `\r${sum('connected')} connected, ${sum('failed')} failed, node RSS ${now.rssMiB.toFixed(0)} MiB   `,
    )
  }, 1000)

  while (!allAre('done')) await new Promise((r) => setTimeout(r, 250))
  const establishSeconds = (performance.now() - started) / 1000
  const connected = sum('connected')
  const failedToConnect = sum('failed')
  const atFull = rssOf(serverPid)
  const heapAtFull = await liveHeapMiB(server)
  const heapBefore = heapBaseline
  console.log(
    `\nall attempts finished in ${establishSeconds.toFixed(1)} s; holding ${connected} connections for ${holdSeconds} s`,
  )
  await new Promise((r) => setTimeout(r, holdSeconds * 1000))
  for (const child of clients) child.send({ type: 'verify' })
  while (!allAre('verified')) await new Promise((r) => setTimeout(r, 250))
  clearInterval(monitor)
  const alive = sum('connected')
  const failedAfterHold = sum('failed') - failedToConnect
  const end = rssOf(serverPid)
  peak = Math.max(peak, end.peakMiB)
  const errors = [...new Set([...reports.values()].flatMap((r) => r.errors))].slice(0, 5)
  for (const child of [...clients, server]) child.kill()

  const perConnectionKiB = ((atFull.rssMiB - baseline.rssMiB) * 1024) / Math.max(1, connected)
  const report = {
    ...benchHeader(
      `npm run bench:connections -- --connections ${total} --processes ${processes} --hold ${holdSeconds} --falcon-pool ${values['falcon-pool']}` +
        (values['default-heap'] === true ? ' --default-heap' : '') +
        (values['inline-falcon'] === true ? ' --inline-falcon' : '') +
        (values['node-v8-flags'] ? ` --node-v8-flags="${values['node-v8-flags']}"` : ''),
    ),
    nodeV8Flags: v8Flags,
    falconWorkerThreads: falconWorkers,
    attempted: total,
    connected,
    failedToConnect,
    aliveAfterHold: alive,
    failedDuringHold: failedAfterHold,
    establishSeconds,
    holdSeconds,
    nodeRssMiB: { beforeConnections: baseline.rssMiB, withAllConnections: atFull.rssMiB, peak },
    rssPerConnectionKiB: perConnectionKiB,
    nodeMemoryAfterGcMiB: { beforeConnections: heapBefore, withAllConnections: heapAtFull },
    liveHeapPerConnectionKiB:
      ((heapAtFull.heapUsedMiB - heapBefore.heapUsedMiB) * 1024) / Math.max(1, connected),
    sampleErrors: errors,
  }
  console.log(
    `\n\n${connected}/${total} connected (${failedToConnect} failed), ${alive} alive after ${holdSeconds} s (${failedAfterHold} failed round trips)`,
  )
  console.log(
    `node RSS: ${baseline.rssMiB.toFixed(0)} MiB before, ${atFull.rssMiB.toFixed(0)} MiB with all connections, peak ${peak.toFixed(0)} MiB`,
  )
  console.log(
    `memory per connection: ${perConnectionKiB.toFixed(1)} KiB; establishing took ${establishSeconds.toFixed(1)} s`,
  )
  console.log(
    `after GC: JS heap ${heapBefore.heapUsedMiB.toFixed(0)} → ${heapAtFull.heapUsedMiB.toFixed(0)} MiB, buffers ${heapBefore.arrayBuffersMiB.toFixed(0)} → ${heapAtFull.arrayBuffersMiB.toFixed(0)} MiB ` +
      `(${report.liveHeapPerConnectionKiB.toFixed(1)} KiB per connection)`,
  )
  if (errors.length > 0) console.log('sample errors:', errors)
  writeBenchResult('connections', report)
  process.exit(failedToConnect + failedAfterHold === 0 ? 0 : 1)
}

main().catch((err: Error) => {
  console.error(err)
  process.exit(1)
})
