/**
 * Runner child processes for tests that put libp2p nodes in network namespaces: a TypeScript runner is
 * bundled once with esbuild, then started inside a namespace (`ip netns exec NS node runner.mjs '<json>'`)
 * and driven by JSON lines: `{ id, cmd, args }` in, `{ id, ok, result | error }` and `{ event, … }` out.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'

/** The checkout: the nearest directory up from here with a package-lock.json (also from dist/bench/). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no checkout above ${from}`)
  }
}
export const root = findRoot(import.meta.dirname)

export type Event = Record<string, unknown>

/** A runner child process: JSON-line commands in, answers and events out. */
export interface Child {
  readonly process: ChildProcess
  readonly events: Event[]
  /** Everything it wrote to stderr so far (DEBUG logs, crashes). */
  stderr: string
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>
  /** The first event, seen or to come, that matches; fails if the child exits first, or after `timeoutMs`. */
  event(what: string, match: (e: Event) => boolean, timeoutMs?: number): Promise<Event>
  stop(): Promise<void>
}

export interface BundledRunner {
  /** The bundled runner, in a temporary directory the caller removes. */
  readonly path: string
  readonly dir: string
  /** `--import` arguments that load the module hooks given to {@link bundleRunner}, if any. */
  readonly nodeArgs: string[]
}

/**
 * Bundles `entry` (a path under the repository) into a temporary directory whose node_modules is this
 * checkout's. `hooks`, if given, is the source of a module-hooks file loaded before the runner.
 */
export async function bundleRunner(entry: string, hooks?: string): Promise<BundledRunner> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-runner-'))
  const path = join(dir, 'runner.mjs')
  await build({
    entryPoints: [join(root, entry)],
    outfile: path,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node22',
    format: 'esm',
    logLevel: 'warning',
  })
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  if (hooks == null) return { path, dir, nodeArgs: [] }
  writeFileSync(join(dir, 'hooks.mjs'), hooks)
  const register = join(dir, 'register.mjs')
  writeFileSync(
    register,
    "import { register } from 'node:module'; register('./hooks.mjs', import.meta.url)\n",
  )
  return { path, dir, nodeArgs: ['--import', register] }
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Starts `runner` with `config` as its argument, through `exec` (for example `ip netns exec NS`). */
export function startChild(runner: BundledRunner, exec: readonly string[], config: object, env = {}): Child {
  const [command, ...prefix] = [...exec, process.execPath]
  const child = spawn(
    command as string,
    [...prefix, ...runner.nodeArgs, runner.path, JSON.stringify(config)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  const pending = new Map<
    number,
    { cmd: string; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >()
  const listeners = new Set<(e: Event) => void>()
  let nextId = 0
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}): ${self.stderr.slice(-2000)}`)),
    ),
  )
  exited.catch(() => {})
  const self: Child = {
    process: child,
    events: [],
    stderr: '',
    call: (cmd, args, timeoutMs = 30_000) => {
      const id = nextId++
      const answer = new Promise((resolveCall, reject) =>
        pending.set(id, { cmd, resolve: resolveCall, reject }),
      )
      child.stdin?.write(JSON.stringify({ id, cmd, args }) + '\n')
      return deadline(Promise.race([answer, exited]), timeoutMs, `${cmd} to be answered`) as never
    },
    event: (what, match, timeoutMs = 20_000) => {
      const seen = self.events.find(match)
      if (seen != null) return Promise.resolve(seen)
      let listener: (e: Event) => void = () => {}
      const next = new Promise<Event>((resolveEvent) => {
        listener = (e) => void (match(e) && resolveEvent(e))
        listeners.add(listener)
      })
      return deadline(Promise.race([next, exited]), timeoutMs, what).finally(() => listeners.delete(listener))
    },
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) return
      child.kill('SIGTERM')
      await deadline(
        exited.catch(() => {}),
        5_000,
        'a child to exit',
      ).catch(() => child.kill('SIGKILL'))
    },
  }
  child.stderr?.on('data', (d: Buffer) => (self.stderr += d.toString()))
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (!line.startsWith('{')) return
    const message = JSON.parse(line) as Event
    const waiting = pending.get(message.id as number)
    if (waiting != null) {
      pending.delete(message.id as number)
      if (message.ok === true) waiting.resolve(message.result)
      else waiting.reject(new Error(`${waiting.cmd}: ${String(message.error)}`))
      return
    }
    self.events.push(message)
    for (const listener of listeners) listener(message)
  })
  return self
}
