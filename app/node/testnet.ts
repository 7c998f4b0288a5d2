/**
 * `npm run testnet -- --nodes N`: N local nodes on loopback, joined into one network, each with its own
 * dashboard URL. For demos and manual testing; data lives in --base-dir (default: a fresh temp dir).
 *
 * `npm run testnet -- --chaos [--nodes 4] [--chaos-seconds 60] [--seed S] [--settle-seconds 120]`: N
 * validator daemons as child processes, killed -9, paused, restarted and partitioned one fault at a time
 * (chaos/chaos-run.ts), then a report of what happened and whether every node came back to the same tip,
 * also written to <base-dir>/chaos-report.json. Exits 0 only when they did, on one chain.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createHyperMeshNode, startLocalApiServer, type HyperMeshNode, type LocalApiServer } from './index'
import { startChaosNetwork } from './chaos/chaos-network'
import { runChaos, type ChaosReport } from './chaos/chaos-run'
import type { NodeProcess } from './chaos/node-process'

const here = dirname(fileURLToPath(import.meta.url))

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      'base-dir': { type: 'string' },
      chaos: { type: 'boolean', default: false },
      'chaos-seconds': { type: 'string', default: '60' },
      'settle-seconds': { type: 'string', default: '120' },
      seed: { type: 'string' },
    },
  })
  const count = Number(values.nodes ?? (values.chaos ? '4' : '3'))
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new Error('--nodes must be 1–32')
  const baseDir = values['base-dir'] ?? mkdtempSync(join(tmpdir(), 'hypermesh-testnet-'))
  if (values.chaos) {
    const whole = (flag: string, min: number, max: number): number => {
      const n = Number(values[flag as keyof typeof values])
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be ${min}–${max}`)
      return n
    }
    if (count < 2) throw new Error('a chaos run needs at least 2 nodes')
    const ok = await chaos(baseDir, count, {
      seconds: whole('chaos-seconds', 1, 86_400),
      settleMs: whole('settle-seconds', 1, 3_600) * 1000,
      seed: values.seed == null ? Math.floor(Math.random() * 2 ** 31) : whole('seed', 0, 2 ** 31),
    })
    process.exit(ok ? 0 : 1)
  }
  const running: Array<{ node: HyperMeshNode; server: LocalApiServer }> = []

  const stopAll = async (): Promise<void> => {
    for (const { node, server } of running.reverse()) {
      await server.close().catch(() => {})
      await node.stop().catch(() => {})
    }
  }
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)))
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)))

  for (let i = 0; i < count; i++) {
    const node = await createHyperMeshNode({
      dataDir: join(baseDir, `node-${i + 1}`),
      mode: 'headless',
      config: {
        devnetName: `testnet (${count} nodes)`,
        listen: { loopbackOnly: true },
        discovery: { mdns: false },
      },
    })
    await node.start()
    const server = await startLocalApiServer({
      dispatcher: node.api,
      port: 0,
      staticDir: join(here, '..', 'renderer'),
    })
    running.push({ node, server })
  }
  const first = running[0]
  if (first == null) return
  const invite = await first.node.api.dispatch({ id: 1, method: 'network.invite', params: {} })
  if (!invite.ok) throw new Error(invite.error.message)
  for (const { node } of running.slice(1)) {
    const joined = await node.api.dispatch({ id: 2, method: 'network.join', params: invite.result })
    if (!joined.ok) throw new Error(`node ${node.peerId} could not join: ${joined.error.message}`)
  }
  console.log(`HyperMesh testnet: ${count} nodes on loopback, data in ${baseDir}`)
  running.forEach(({ node, server }, i) =>
    console.log(`  node ${i + 1}  ${node.peerId}\n          ${server.uiUrl}`),
  )
  console.log('Press Ctrl+C to stop them all.')
}

/** The chaos run: its nodes, its faults, its report; true when every node came back to one chain. */
async function chaos(
  baseDir: string,
  count: number,
  options: { seconds: number; settleMs: number; seed: number },
): Promise<boolean> {
  const log = (line: string): void => console.log(line)
  console.log(`HyperMesh chaos testnet: ${count} validators, ${options.seconds} s, seed ${options.seed}`)
  console.log(`data in ${baseDir}`)
  let nodes: NodeProcess[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
  }
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))
  try {
    nodes = await startChaosNetwork({
      baseDir,
      nodes: count,
      cli: join(here, 'cli.js'),
      preload: join(here, 'chaos-preload.js'),
      log,
    })
    const report = await runChaos(nodes, { ...options, log })
    const file = join(baseDir, 'chaos-report.json')
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
    console.log(summary(report))
    console.log(`report: ${file}`)
    return report.ok
  } finally {
    await stopAll()
  }
}

function summary(report: ChaosReport): string {
  const { final } = report
  const tips = final.tips.map((t) => `node ${t.node} ${t.height ?? '?'} ${t.hash?.slice(0, 12) ?? '?'}`)
  return [
    `${report.events.length} events; ${report.transfers.accepted} of ${report.transfers.submitted} transfers accepted`,
    `height ${report.heightBefore} before, ${report.heightAfterChaos} when the chaos ended`,
    `tips: ${tips.join('; ')}`,
    final.sameTip
      ? `every node came back to the same tip in ${((final.recoveredMs ?? 0) / 1000).toFixed(1)} s`
      : 'the nodes did NOT come back to one tip before the deadline',
    final.forkAt == null
      ? `no fork: ${final.comparedHeights} heights compared block by block on every node`
      : `FORK at height ${final.forkAt}`,
    report.ok ? 'chaos run passed' : 'chaos run FAILED',
  ].join('\n')
}

main().catch((err: Error) => {
  console.error(`testnet: ${err.message}`)
  process.exit(1)
})
