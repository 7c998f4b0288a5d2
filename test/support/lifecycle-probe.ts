/**
 * A process that starts a HyperMesh node, cancels its start at one step (or not at all), and reports
 * what the node left behind: pending timers, worker threads that did not exit, child processes, and
 * sockets. test/node-lifecycle.test.ts bundles it with the node's worker files beside it, as the app's
 * build does, so that the real worker threads take part.
 *
 * usage: node --expose-gc lifecycle-probe.mjs DATA_DIR STEP   (STEP: the service to cancel before, or "none")
 * It prints one JSON line: { steps, failedAt, leftAfterFailure, leftAfterRetry }.
 */
import { readdirSync, readlinkSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { execFileSync } from 'node:child_process'
import type * as WorkerThreads from 'node:worker_threads'

// Every timer, worker thread and child process made from here on is counted until it is cleared, exits
// or ends. Patched before the node's code is loaded, so that its imports see the counting versions.
const pendingTimers = new Map<unknown, string>()
const trackTimer = <F extends (...args: never[]) => unknown>(make: F, once: boolean): F =>
  ((...args: Parameters<F>) => {
    const [fn, ...rest] = args as unknown as [(...a: unknown[]) => void, ...unknown[]]
    const box: { handle?: unknown } = {}
    const wrapped = (...a: unknown[]): void => {
      if (once) pendingTimers.delete(box.handle)
      fn(...a)
    }
    const handle = (make as unknown as (...a: unknown[]) => unknown)(wrapped, ...rest)
    box.handle = handle
    pendingTimers.set(handle, new Error().stack?.split('\n').slice(2, 6).join(' | ') ?? '')
    return handle
  }) as unknown as F
const untrack = <F extends (handle: never) => void>(clear: F): F =>
  ((handle: never) => {
    pendingTimers.delete(handle)
    clear(handle)
  }) as unknown as F
globalThis.setTimeout = trackTimer(globalThis.setTimeout, true)
globalThis.setInterval = trackTimer(globalThis.setInterval, false)
globalThis.clearTimeout = untrack(globalThis.clearTimeout)
globalThis.clearInterval = untrack(globalThis.clearInterval)

const liveWorkers = new Set<object>()
const threads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads
const BaseWorker = threads.Worker
threads.Worker = class CountedWorker extends BaseWorker {
  constructor(...args: ConstructorParameters<typeof BaseWorker>) {
    super(...args)
    liveWorkers.add(this)
    this.once('exit', () => liveWorkers.delete(this))
  }
}
syncBuiltinESMExports()

const socketCount = (): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')
    } catch {
      return false
    }
  }).length

/** Which sockets are open, for a report that says what was left (ss lists them with their owner). */
const openSockets = (): string[] => {
  try {
    return execFileSync('ss', ['-tuaxnpH'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`pid=${process.pid},`))
  } catch {
    return []
  }
}

const childProcesses = (): string[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.includes(' ps -o pid='))
  } catch {
    return [] // ps exits 1 when there is no child
  }
}

/**
 * Timers that libraries make once per process, not per node, and keep for the process's life: get-port's
 * sweep of recently used ports (an unref'd interval, made the first time any listener asks for a port).
 */
const PROCESS_WIDE_TIMERS = [/node_modules\/get-port\//]

async function settle(): Promise<void> {
  // Let closing handles finish closing (socket close callbacks, worker exits), then collect garbage:
  // native sockets of stopped QUIC endpoints are released by their finalizers, and what is unreachable
  // is no longer the node's.
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  await new Promise((resolve) => BaseTimeout(resolve, 300))
  ;(globalThis as { gc?: () => void }).gc?.()
  await new Promise((resolve) => BaseTimeout(resolve, 300))
}
const BaseTimeout = (fn: (value?: unknown) => void, ms: number): void => void globalThis.setTimeout(fn, ms)

interface Leftovers {
  timers: string[]
  workers: number
  children: string[]
  sockets: number
}

const [dataDir, stepName] = process.argv.slice(2) as [string, string]
const { createHyperMeshNode } = await import('../../app/node')
const baselineSockets = socketCount()
const leftovers = async (): Promise<Leftovers> => {
  await settle()
  return {
    timers: [...pendingTimers.values()].filter((stack) => !PROCESS_WIDE_TIMERS.some((p) => p.test(stack))),
    workers: liveWorkers.size,
    children: childProcesses(),
    sockets: socketCount() - baselineSockets,
  }
}

// WebRTC Direct is left off: node-datachannel 0.33.4's UDP mux listener (IceUdpMuxListener.stop) keeps its
// socket open after the listener closes in some runs, beyond any wait or collection (docs/architecture.md
// lists it with the other known defects of dependencies).
const node = await createHyperMeshNode({
  dataDir,
  mode: 'headless',
  config: {
    listen: { loopbackOnly: true, ipv6: false },
    discovery: { mdns: false },
    transport: { webrtcDirect: false },
  },
})
const steps: string[] = []
let failedAt: string | null = null
const controller = new AbortController()
try {
  await node.start({
    signal: controller.signal,
    onProgress: ({ service }) => {
      steps.push(service)
      if (service === stepName) controller.abort(new Error(`cancelled before ${service}`))
    },
  })
} catch (err) {
  failedAt = (err as Error).message
}
const leftAfterFailure = await leftovers()
// A start after a failed one begins from nothing, and a stop after it leaves nothing either.
if (failedAt != null) await node.start()
await node.stop()
const leftAfterRetry = await leftovers()
const detail = { handles: process.getActiveResourcesInfo(), sockets: openSockets() }
process.stdout.write(`${JSON.stringify({ steps, failedAt, leftAfterFailure, leftAfterRetry, detail })}\n`)
process.exit(0)
