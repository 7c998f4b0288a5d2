/**
 * npm run bench:tiers — what link tuning buys, on links shaped with `tc tbf` (root; network namespaces):
 * for each rate, the same bulk transfer with the link tuner on and with yamux's defaults, measuring the
 * receiver's throughput and the round trip of pings sent behind the bulk data (every 100 ms, in the second
 * half of the transfer, once the tuner has measured the link). Each configuration runs `--runs` times on a
 * fresh connection; the table shows medians. Prints a table and writes bench/results/tiers.json.
 */
import { rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { bundleRunner, startChild, type BundledRunner, type Child } from '../test/support/child'
import { createShapedLink, shapedLinkUnavailableReason, type ShapedLink } from '../test/support/shaped-link'
import { benchHeader, writeBenchResult } from './report'

const B_PORT = 4151
/** A ping that takes longer is counted as lost. */
const PING_TIMEOUT_MS = 2_000
const RATES: Record<string, number> = { '100M': 100e6, '1G': 1e9, '2.5G': 2.5e9 }

interface Peer extends Child {
  peerId: string
}

interface Row {
  rate: string
  tuned: boolean
  gbps: number
  percentOfRate: number
  pingP50Ms: number
  pingP99Ms: number
  pings: number
  pingsLost: number
  windowBytes: number | null
  tier: string | null
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

async function startPeer(runner: BundledRunner, exec: string[], tcpPort: number, untuned: boolean) {
  const child = startChild(runner, exec, { tcpPort, untuned })
  const ready = await child.event('a peer to start', (e) => e.event === 'ready', 60_000)
  return Object.assign(child, { peerId: String(ready.peerId) }) as Peer
}

async function measure(link: ShapedLink, a: Peer, b: Peer, rate: string, seconds: number, tuned: boolean) {
  link.shape(RATES[rate] as number)
  await a.call('dial', { address: `/ip4/${link.b.address}/tcp/${B_PORT}/p2p/${b.peerId}` })
  const started = performance.now()
  const bulk = a.call('bulk', { peer: b.peerId, seconds }, (seconds + 60) * 1000)
  bulk.catch(() => {}) // awaited below; a failure is reported there, not as an unhandled rejection
  const pings: number[] = []
  let pingsLost = 0
  while (performance.now() - started < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const sentAt = performance.now()
    const rtt = await a
      .call<number>('ping', { peer: b.peerId, timeoutMs: PING_TIMEOUT_MS })
      .catch(() => Number.NaN)
    if (sentAt - started < (seconds * 1000) / 2) continue
    if (Number.isFinite(rtt)) pings.push(rtt)
    else pingsLost++
  }
  await bulk
  let last = { bytes: 0, ms: 1, done: false }
  while (!last.done) last = await b.call('lastBulk')
  const receiver = await b.call<{ maxStreamWindowBytes: number | null; link: { tier: string | null } }>(
    'link',
    { peer: a.peerId },
  )
  await a.call('hangUp', { peer: b.peerId })
  const gbps = (last.bytes * 8) / last.ms / 1e6
  return {
    rate,
    tuned,
    gbps,
    percentOfRate: (100 * gbps * 1e9) / (RATES[rate] as number),
    pingP50Ms: quantile(pings, 0.5),
    pingP99Ms: quantile(pings, 0.99),
    pings: pings.length,
    pingsLost,
    windowBytes: receiver.maxStreamWindowBytes,
    tier: receiver.link.tier,
  } satisfies Row
}

const median = (values: number[]): number => quantile(values, 0.5)

/** One row of medians over the runs of a configuration, with every run's throughput kept. */
function medianRow(all: Row[]): Row & { runsGbps: number[] } {
  const first = all[0] as Row
  return {
    ...first,
    gbps: median(all.map((r) => r.gbps)),
    percentOfRate: median(all.map((r) => r.percentOfRate)),
    pingP50Ms: median(all.map((r) => r.pingP50Ms)),
    pingP99Ms: median(all.map((r) => r.pingP99Ms)),
    pings: all.reduce((n, r) => n + r.pings, 0),
    pingsLost: all.reduce((n, r) => n + r.pingsLost, 0),
    runsGbps: all.map((r) => Number(r.gbps.toFixed(3))),
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' },
      rates: { type: 'string', default: '100M,1G,2.5G' },
    },
  })
  const unavailable = shapedLinkUnavailableReason()
  if (unavailable != null) throw new Error(`bench:tiers needs network namespaces: ${unavailable}`)
  const seconds = Number(values.seconds)
  const runs = Number(values.runs)
  const rates = String(values.rates).split(',')
  for (const rate of rates)
    if (RATES[rate] == null) throw new Error(`unknown rate ${rate}; use 100M, 1G, 2.5G`)
  const runner = await bundleRunner('test/support/link-peer.ts')
  const link = createShapedLink('bench')
  const rows: Row[] = []
  try {
    for (const tuned of [false, true]) {
      const [a, b] = await Promise.all([
        startPeer(runner, link.a.exec, 0, !tuned),
        startPeer(runner, link.b.exec, B_PORT, !tuned),
      ])
      try {
        for (const rate of rates) {
          const all: Row[] = []
          for (let run = 0; run < runs; run++) all.push(await measure(link, a, b, rate, seconds, tuned))
          const row = medianRow(all)
          rows.push(row)
          console.log(
            `${rate.padEnd(5)} ${tuned ? 'tuned  ' : 'default'} ${row.gbps.toFixed(3)} Gbit/s ` +
              `(${row.percentOfRate.toFixed(1)}%)  ping p50 ${row.pingP50Ms.toFixed(1)} ms, p99 ` +
              `${row.pingP99Ms.toFixed(1)} ms (${row.pings} answered, ${row.pingsLost} over ${PING_TIMEOUT_MS} ms)  window ${row.windowBytes ?? 'yamux default'}`,
          )
        }
      } catch (err) {
        console.error(`A said: ${a.stderr.slice(-3000)}\nB said: ${b.stderr.slice(-3000)}`)
        throw err
      } finally {
        await Promise.all([a.stop(), b.stop()])
      }
    }
  } finally {
    link.remove()
    rmSync(runner.dir, { recursive: true, force: true })
  }
  writeBenchResult('tiers', {
    ...benchHeader(`npm run bench:tiers -- --seconds ${seconds} --runs ${runs} --rates ${rates.join(',')}`),
    rows,
  })
}

await main()
