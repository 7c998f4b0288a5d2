/**
 * Runs real headless HyperMesh daemons (dist/daemon/cli.js) as child processes for integration and e2e
 * tests, and talks to them over their local HTTP API with their access token.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { execFileSync } from 'node:child_process'
import type { ApiMethod, ApiParams, ApiResult, RpcResponse } from '../../shared/api'
import { DEFAULT_MAX_CONNECTIONS } from '../../app/node/config'
import { heapCapFlag } from '../../app/node/heap-cap'

/** The repository root: the nearest folder up with a package.json (this file also runs bundled in dist/bench). */
function repositoryRoot(from: string): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}
export const root = repositoryRoot(import.meta.dirname)
const cli = join(root, 'dist', 'daemon', 'cli.js')

/** A daemon whose provider returns a wrong result for every job (test/support/lying-provider-daemon.ts). */
export const lyingProviderCli = join(root, 'dist', 'test-daemon', 'lying-provider.js')

/** Builds the daemon (and the UI, or the misbehaving test daemons, if asked) when dist/ lacks them. */
export function ensureBuilt(parts: { ui?: boolean; testDaemons?: boolean } = {}): void {
  if (!existsSync(cli))
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'node'], { cwd: root, stdio: 'inherit' })
  if (parts.testDaemons === true && !existsSync(lyingProviderCli))
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'test-daemons'], {
      cwd: root,
      stdio: 'inherit',
    })
  if (parts.ui === true && !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'renderer'], {
      cwd: root,
      stdio: 'inherit',
    })
  }
}

export interface Daemon {
  readonly peerId: string
  readonly apiUrl: string
  readonly uiUrl: string
  readonly token: string
  readonly dataDir: string
  readonly process: ChildProcess
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>
  /** The raw envelope, for tests that expect an error. */
  callRaw(method: string, params: unknown): Promise<RpcResponse>
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>
}

export interface DaemonOptions {
  /** A command to run the daemon under, e.g. ['ip', 'netns', 'exec', 'ns1'] (it must exec, not fork). */
  wrap?: string[]
  /** The daemon program; default dist/daemon/cli.js (e.g. {@link lyingProviderCli}). */
  cli?: string
}

/** A daemon for tests: its own data dir, loopback only, any free API port, a ready line on stdout. */
export const loopbackDaemonArgs = (dataDir: string): string[] => [
  '--data-dir',
  dataDir,
  '--ready-json',
  '--api-port',
  '0',
  '--loopback-only',
  '--no-mdns',
]

const valueOf = (args: string[], flag: string): string | undefined => {
  const at = args.indexOf(flag)
  return at < 0 ? undefined : args[at + 1]
}

export async function startDaemon(
  dataDir: string,
  extraArgs: string[] = [],
  options: DaemonOptions = {},
): Promise<Daemon> {
  mkdirSync(dataDir, { recursive: true })
  const [command, ...prefix] = [...(options.wrap ?? []), process.execPath]
  const child = spawn(
    command as string,
    [
      ...prefix,
      '--disable-warning=ExperimentalWarning',
      // As npm start runs it: with its heap capped for its connection limit.
      heapCapFlag(Number(valueOf(extraArgs, '--max-connections') ?? DEFAULT_MAX_CONNECTIONS)),
      options.cli ?? cli,
      ...loopbackDaemonArgs(dataDir),
      ...extraArgs,
    ],
    {
      env: {
        ...process.env,
        HYPERMESH_MACHINE_KEY_FILE: join(dataDir, '..', `${dataDir.split('/').at(-1)}.machine.key`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const ready = await new Promise<{ peerId: string; apiUrl: string; uiUrl: string; token: string }>(
    (resolveReady, reject) => {
      let out = ''
      // A first start makes keys and a plot; on a 2-core machine shared with other test runs that has taken
      // over 60 s.
      const timer = setTimeout(() => {
        // Not left running behind a failed test.
        child.kill('SIGKILL')
        reject(new Error(`daemon did not get ready in 120 s: ${stderr}`))
      }, 120_000)
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'))
        if (line != null) {
          clearTimeout(timer)
          resolveReady(JSON.parse(line))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`daemon exited with ${code} before ready: ${stderr}`))
      })
    },
  )
  const callRaw = async (method: string, params: unknown): Promise<RpcResponse> => {
    const res = await fetch(`${ready.apiUrl}/api/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, method, params }),
    })
    return (await res.json()) as RpcResponse
  }
  return {
    ...ready,
    dataDir,
    process: child,
    callRaw,
    async call(method, params) {
      const response = await callRaw(method, params)
      if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`)
      return response.result as never
    },
    stop() {
      return new Promise((resolveStop) => {
        if (child.exitCode != null) return resolveStop(child.exitCode)
        child.once('exit', (code) => resolveStop(code))
        child.kill('SIGTERM')
      })
    },
  }
}

/** Polls `probe` until it returns true, or fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      if (await probe()) return
    } catch (err) {
      lastError = err
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError == null ? '' : ` (last error: ${String(lastError)})`}`,
  )
}
