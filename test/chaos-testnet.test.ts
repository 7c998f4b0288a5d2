/**
 * `npm run testnet -- --chaos`: a short run of four validator daemons (each fault at least once: kill -9,
 * SIGSTOP/SIGCONT, a clean restart, a partition), bounded in time, must end with every node at the same
 * tip and one chain block by block. Before it, the partition preload on its own: a node process cut off
 * from a port refuses to dial it and drops what it had dialed there, and is whole again once healed.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChaosReport } from '../app/node/chaos/chaos-run'
import { PARTITION_MESSAGE } from '../app/node/chaos/partition-message'
import { ensureBuilt, root, waitFor } from './support/daemon'

const preload = join(root, 'dist', 'daemon', 'chaos-preload.js')
let base: string
beforeAll(() => {
  ensureBuilt()
  base = mkdtempSync(join(tmpdir(), 'hm-chaos-'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('the partition preload', () => {
  let server: Server
  let port: number
  let accepted = 0
  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('refuses dials to a cut-off port, drops sockets dialed there, and lets them through once healed', async () => {
    // A child that dials the port on request and says how each dial went.
    const script = `
      const net = require('node:net')
      let open = null
      process.on('message', (m) => {
        if (m.dial == null) return
        const s = net.connect(m.dial, '127.0.0.1')
        s.on('connect', () => { open = s; process.send({ dialed: 'connected' }) })
        s.on('error', (e) => process.send({ dialed: e.code }))
        s.on('close', () => { if (open === s) process.send({ closed: true }) })
      })
      // The preload lets go of the IPC channel (a node must stop when asked); this stands in for a node's servers.
      setInterval(() => {}, 1000)
      process.send({ ready: true })`
    const child = spawn(process.execPath, ['--import', preload, '-e', script], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const messages: Record<string, unknown>[] = []
    child.on('message', (m) => messages.push(m as Record<string, unknown>))
    const next = async (key: string): Promise<unknown> => {
      await waitFor(`the child to answer ${key}`, () => messages.some((m) => key in m), 10_000)
      const at = messages.findIndex((m) => key in m)
      return messages.splice(at, 1)[0]![key]
    }
    try {
      await next('ready')
      child.send({ dial: port })
      expect(await next('dialed')).toBe('connected')
      await waitFor('the server to accept', () => accepted === 1, 5_000)
      child.send({ type: PARTITION_MESSAGE, ports: [port] })
      expect(await next('closed')).toBe(true)
      child.send({ dial: port })
      expect(await next('dialed')).toBe('ECONNREFUSED')
      expect(accepted).toBe(1)
      child.send({ type: PARTITION_MESSAGE, ports: [] })
      child.send({ dial: port })
      expect(await next('dialed')).toBe('connected')
      await waitFor('the server to accept again', () => accepted === 2, 5_000)
    } finally {
      child.kill('SIGKILL')
    }
  })
})

describe('npm run testnet -- --chaos', () => {
  it('kills, pauses, restarts and partitions four validators, and all come back to one tip', async () => {
    const dir = join(base, 'run')
    const run = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        join(root, 'dist', 'daemon', 'testnet.js'),
        ...['--chaos', '--nodes', '4', '--chaos-seconds', '20', '--seed', '7', '--settle-seconds', '180'],
        ...['--base-dir', dir],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    run.stdout.on('data', (d: Buffer) => (output += d.toString()))
    run.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve))
    let report: ChaosReport
    try {
      report = JSON.parse(readFileSync(join(dir, 'chaos-report.json'), 'utf8')) as ChaosReport
    } catch {
      throw new Error(`the chaos run wrote no report (exit ${code}):\n${output}`)
    }
    for (const what of [/^kill -9 node/, /^pause node/, /^stop node .*SIGTERM/, /^partition \{/])
      expect(
        report.events.map((e) => e.what).some((w) => what.test(w)),
        `${what} in\n${output}`,
      ).toBe(true)
    expect(report.final, output).toMatchObject({ sameTip: true, forkAt: null })
    expect(report.final.comparedHeights).toBeGreaterThan(report.heightAfterChaos)
    expect(report.heightAfterChaos).toBeGreaterThan(report.heightBefore)
    expect(code, output).toBe(0)
    expect(output).toMatch(/every node came back to the same tip/)
    // Node starts take tens of seconds on a loaded two-core machine; the run is bounded all the same.
  }, 900_000)
})
