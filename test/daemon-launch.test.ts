/**
 * npm start and npm run daemon start the node with its heap capped in proportion to its connection limit:
 * the launcher asks the daemon for the flag, from the data dir's config and the command line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { daemonHeapFlags, spawnDaemon } from '../scripts/daemon-launch.mjs'
import { heapCapMiB } from '../app/node/heap-cap'
import { ensureBuilt, loopbackDaemonArgs, root } from './support/daemon'

const launch = { daemonHeapFlags, spawnDaemon } as {
  daemonHeapFlags(args: string[]): string[]
  spawnDaemon(
    args: string[],
    options: { stdio: ['ignore', 'pipe', 'pipe']; env: NodeJS.ProcessEnv },
  ): ChildProcessByStdio<null, Readable, Readable>
}

const PIPED: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe']
const daemonEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  HYPERMESH_MACHINE_KEY_FILE: join(dir, 'machine.key'),
})

/** Waits for the daemon's ready line, then stops it; its ready line and what it wrote to stderr. */
async function untilReady(
  child: ChildProcessByStdio<null, Readable, Readable>,
): Promise<{ ready: { heapLimitMiB: number }; stderr: string }> {
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  try {
    const ready = await new Promise<{ heapLimitMiB: number }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the daemon exited (${code}): ${stderr}`)))
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"event":"ready"')) resolve(JSON.parse(line) as { heapLimitMiB: number })
      })
    })
    return { ready, stderr }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

let dir: string
beforeAll(() => {
  ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'hm-launch-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the daemon launcher caps the heap for the connection limit', () => {
  it('asks the daemon, which reads --max-connections, else the config file, else the default', () => {
    const dataDir = join(dir, 'flags')
    expect(launch.daemonHeapFlags(['--data-dir', dataDir])).toEqual([
      `--max-old-space-size=${heapCapMiB(300)}`,
    ])
    expect(launch.daemonHeapFlags(['--data-dir', dataDir, '--max-connections', '10000'])).toEqual([
      '--max-old-space-size=647',
    ])
    const configured = join(dir, 'configured')
    mkdirSync(configured)
    writeFileSync(
      join(configured, 'config.json'),
      JSON.stringify({ connections: { maxConnections: 20_000 } }),
    )
    expect(launch.daemonHeapFlags(['--data-dir', configured])).toEqual([
      `--max-old-space-size=${heapCapMiB(20_000)}`,
    ])
  })

  it('gives no flag for arguments the daemon refuses, which then says what is wrong itself', () => {
    expect(launch.daemonHeapFlags(['--data-dir', join(dir, 'bad'), '--max-connections', 'many'])).toEqual([])
    expect(launch.daemonHeapFlags(['--no-such-flag'])).toEqual([])
    expect(launch.daemonHeapFlags(['--help'])).toEqual([])
  })

  it('starts a daemon whose V8 heap limit is the cap, and which says so when ready', async () => {
    const args = [...loopbackDaemonArgs(join(dir, 'daemon')), '--max-connections', '10000']
    const { ready, stderr } = await untilReady(launch.spawnDaemon(args, { stdio: PIPED, env: daemonEnv() }))
    // V8's limit is the old space plus its young space.
    expect(ready.heapLimitMiB).toBeGreaterThanOrEqual(647)
    expect(ready.heapLimitMiB).toBeLessThan(647 * 1.5)
    expect(stderr).not.toMatch(/may grow its heap/)
  }, 60_000)

  it('started without the cap, the daemon says how to start it with one', async () => {
    // Above the cap whatever this machine's V8 default is.
    const node = ['--max-old-space-size=2048', join(root, 'dist', 'daemon', 'cli.js')]
    const child = spawn(process.execPath, [...node, ...loopbackDaemonArgs(join(dir, 'uncapped'))], {
      stdio: PIPED,
      env: daemonEnv(),
    })
    const { stderr } = await untilReady(child)
    expect(stderr).toMatch(/may grow its heap to \d+ MiB.*--max-old-space-size=512/s)
  }, 60_000)
})

describe('the headless start tells the operator how to reach the node', () => {
  it('prints every listen address with the peer id, the shortest first, as node.status lists them', async () => {
    const dataDir = join(dir, 'addresses')
    const args = ['--data-dir', dataDir, '--api-port', '0', '--loopback-only', '--no-mdns']
    const child = launch.spawnDaemon(args, { stdio: PIPED, env: daemonEnv() })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const lines: string[] = []
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the daemon exited (${code}): ${stderr}`)))
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line)
          if (line.startsWith('Press Ctrl+C')) resolve()
        })
      })
      const peerId = /peer id\s+(\S+)/.exec(lines.join('\n'))?.[1]
      const start = lines.findIndex((l) => l.trimStart().startsWith('listening '))
      expect(start, lines.join('\n')).toBeGreaterThan(0)
      const printed: string[] = []
      for (const line of lines.slice(start)) {
        const address = /^\s+(?:listening)?\s+(\/\S+)$/.exec(line)?.[1]
        if (address == null) break
        printed.push(address)
      }
      expect(printed.length).toBeGreaterThanOrEqual(2)
      for (const address of printed)
        expect(address).toMatch(new RegExp(`^/ip[46]/(127\\.0\\.0\\.1|::1)/.*/p2p/${peerId}$`))
      const lengths = printed.map((a) => a.length)
      expect(lengths).toEqual([...lengths].sort((a, b) => a - b))
      // The same addresses the node reports, and the first TCP one takes connections.
      const api = JSON.parse(readFileSync(join(dataDir, 'api.json'), 'utf8')) as {
        url: string
        token: string
      }
      const response = await fetch(`${api.url}/api/call`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, method: 'node.status', params: {} }),
      })
      const status = (await response.json()) as { result: { listenAddresses: string[] } }
      expect(new Set(printed)).toEqual(new Set(status.result.listenAddresses))
      const tcp = printed.map((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\//.exec(a)).find((m) => m != null)
      expect(tcp).not.toBeNull()
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(tcp![1]), '127.0.0.1', () => {
          socket.destroy()
          resolve()
        })
        socket.once('error', reject)
      })
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }, 60_000)
})
