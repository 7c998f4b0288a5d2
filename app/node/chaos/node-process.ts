/**
 * One node of a chaos testnet: the headless daemon as a child process, which the testnet can kill -9,
 * pause (SIGSTOP) and resume (SIGCONT), restart on the same data dir, cut off from other nodes (through
 * the partition preload), and ask over its local API.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { DEFAULT_MAX_CONNECTIONS } from '../config'
import { heapCapFlag } from '../heap-cap'
import { PARTITION_MESSAGE, type PartitionMessage } from './partition-message'

export type NodeState = 'stopped' | 'running' | 'paused' | 'killed'

export interface NodeProcessInit {
  /** dist/daemon/cli.js and the partition preload beside it. */
  cli: string
  preload: string
  dataDir: string
  /** Flags beyond the testnet's own (loopback only, no mDNS, a ready line). */
  args: string[]
  env: NodeJS.ProcessEnv
}

interface Ready {
  peerId: string
  apiUrl: string
  token: string
  listenAddresses: string[]
}

const READY_TIMEOUT_MS = 120_000
const CALL_TIMEOUT_MS = 5_000

export class NodeProcess {
  state: NodeState = 'stopped'
  private child: ChildProcess | null = null
  private ready: Ready | null = null
  private stderr = ''

  constructor(private readonly init: NodeProcessInit) {}

  get peerId(): string {
    return this.need().peerId
  }

  /** The TCP ports this node listens on (what others dial it at). */
  tcpPorts(): number[] {
    return (this.ready?.listenAddresses ?? [])
      .map((a) => /\/tcp\/(\d+)/.exec(a)?.[1])
      .filter((p): p is string => p != null)
      .map(Number)
  }

  /** Starts the daemon and waits for its ready line. */
  async start(): Promise<void> {
    const { cli, preload, dataDir, args, env } = this.init
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        heapCapFlag(DEFAULT_MAX_CONNECTIONS),
        '--import',
        preload,
        cli,
        ...['--data-dir', dataDir, '--ready-json', '--api-port', '0', '--loopback-only', '--no-mdns'],
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env },
    )
    this.child = child
    this.stderr = ''
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)))
    this.ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ready line in ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      )
      const lines = createInterface({ input: child.stdout! })
      lines.on('line', (line) => {
        if (!line.startsWith('{"event":"ready"')) return
        clearTimeout(timer)
        resolve(JSON.parse(line) as Ready)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the node exited (${code ?? signal}) before it was ready: ${this.stderr}`))
      })
    })
    this.state = 'running'
  }

  /** kill -9: no chance to stop cleanly; its lock and files stay as they were. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL')
    this.state = 'killed'
  }

  pause(): void {
    this.child?.kill('SIGSTOP')
    this.state = 'paused'
  }

  resume(): void {
    this.child?.kill('SIGCONT')
    this.state = 'running'
  }

  /** A clean stop (SIGTERM), killed after 15 s if it does not exit. */
  async stop(): Promise<void> {
    if (this.state === 'paused') this.resume()
    if (this.child == null || this.child.exitCode != null || this.child.signalCode != null) {
      this.state = 'stopped'
      return
    }
    const deadline = setTimeout(() => this.child?.kill('SIGKILL'), 15_000)
    await this.signalAndWait('SIGTERM')
    clearTimeout(deadline)
    this.state = 'stopped'
  }

  /** Cuts this node off from `ports` (none: heals it). Sent again after a restart by the testnet. */
  partition(ports: number[]): void {
    if (this.child?.connected === true)
      this.child.send({ type: PARTITION_MESSAGE, ports } satisfies PartitionMessage)
  }

  /**
   * Calls the node's API; throws on a refusal, and after `timeoutMs` (a paused node never answers).
   */
  async call<T>(method: string, params: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const { apiUrl, token } = this.need()
    const response = await fetch(`${apiUrl}/api/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } }
    if (!body.ok) throw new Error(`${method}: ${body.error?.message ?? 'refused'}`)
    return body.result as T
  }

  private need(): Ready {
    if (this.ready == null) throw new Error('the node has not started')
    return this.ready
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (child == null || child.exitCode != null || child.signalCode != null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    if (this.state === 'paused' && signal !== 'SIGKILL') child.kill('SIGCONT')
    child.kill(signal)
    await exited
  }
}
