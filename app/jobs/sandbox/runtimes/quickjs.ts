/**
 * JavaScript jobs in QuickJS (quickjs-emscripten, release build without asyncify): one runtime and context
 * per job, with the job's memory limit, a stack limit and an interrupt handler for its deadline. The context
 * has only the language's own globals plus `input`, `inputBytes`, `args`, `print` and `console`: no `std`
 * or `os` module, no timers, no I/O. Unless granted, `Date` reads the virtual clock and `Math.random` the
 * seeded generator (deterministic-world.ts).
 *
 * Memory is held twice: QuickJS's own limit counts its small allocations but not the large blocks
 * (ArrayBuffers and long strings come from a path it does not count: a 16 MiB limit let 2 GiB of
 * Uint8Arrays through), so the WebAssembly memory itself is created with a maximum of the job's memory
 * above the module's 16 MiB baseline, and the process's cgroup cap is above that. A long call into a
 * builtin (`new Array(1e8).fill(0)`) is not interrupted until it returns; the parent's kill at the
 * deadline holds that.
 *
 * Warm start: the module is compiled once (`prepare()`) and instantiated once per memory cap, so a job
 * costs a new runtime and context; a first job with a new cap adds an instantiation. `npm run bench:jobs`
 * measures both (docs/performance.md, Jobs).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import {
  newQuickJSWASMModule,
  newVariant,
  RELEASE_SYNC,
  Scope,
  type CustomizeVariantOptions,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten'
import type { JobRuntimeEngine, RuntimeExit, RuntimeIo, RuntimeJob } from '../runtime'
import { enterWorld, type DeterministicWorld } from './deterministic-world'
import { boundedMessage, RunControl } from './run-control'

/**
 * QuickJS checks its own stack depth, but its frames also use the runner's native stack: above about
 * 400 KiB V8 overflows first and the WebAssembly traps mid-call, so the limit stays well below that.
 */
export const QUICKJS_STACK_BYTES = 256 * 1024

const SCRIPT_NAME = 'job.js'

/**
 * Runs before the job's script, with the host's hooks as arguments, so the hooks are reachable only
 * through the globals it defines. `print` formats like `console.log` with `String()` (deterministic, no
 * inspection of the host) and ends the line; `write` writes a string or a Uint8Array as it is.
 */
const PRELUDE = `(function (hostWrite, hostWriteBytes, hostLog, hostRandom, inputText, argsJson, inputBuffer) {
  'use strict'
  const join = (values) => values.map((value) => String(value)).join(' ')
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false })
  define(globalThis, 'print', (...values) => { hostWrite(join(values) + '\\n') })
  define(globalThis, 'write', (value) => {
    if (value instanceof Uint8Array) hostWriteBytes(value.slice().buffer)
    else hostWrite(String(value))
  })
  const log = (...values) => { hostLog(join(values)) }
  define(globalThis, 'console', { log, error: log, warn: log, info: log, debug: log })
  define(Math, 'random', () => hostRandom())
  define(globalThis, 'input', inputText)
  define(globalThis, 'inputBytes', new Uint8Array(inputBuffer))
  define(globalThis, 'args', Object.freeze(JSON.parse(argsJson)))
})`

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const lenientUtf8 = new TextDecoder('utf-8')

/**
 * V8's WebAssembly global: the node's TypeScript library declares the WebAssembly types (quickjs-emscripten
 * uses them) but not the value.
 */
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<WebAssembly.Module>
      Memory: new (descriptor: {
        initial: number
        maximum: number
      }) => NonNullable<CustomizeVariantOptions['wasmMemory']>
    }
  }
).WebAssembly

const WASM_PAGE_BYTES = 64 * 1024
/** What the QuickJS module declares as its initial memory (static data, C stack, first heap). */
const MODULE_BASELINE_BYTES = 16 * 1024 * 1024

export class QuickJsEngine implements JobRuntimeEngine {
  readonly runtime = 'quickjs' as const
  private compiled: Promise<WebAssembly.Module> | undefined
  /** One instance per WebAssembly memory maximum (in pages); a runner process has one job, so one entry. */
  private readonly instances = new Map<number, Promise<QuickJSWASMModule>>()

  /** Compiles the QuickJS WebAssembly once; instances with each job's memory cap are made from it. */
  async prepare(): Promise<void> {
    await this.compiledModule()
  }

  async run(job: RuntimeJob, io: RuntimeIo): Promise<RuntimeExit> {
    let source: string
    try {
      source = strictUtf8.decode(job.code)
    } catch {
      return { kind: 'error', message: 'the script is not valid UTF-8' }
    }
    const maximumPages = Math.ceil((MODULE_BASELINE_BYTES + job.memoryBytes) / WASM_PAGE_BYTES)
    const instance = await this.instanceFor(maximumPages)
    const world = enterWorld(job)
    try {
      return runInFreshRuntime(instance, source, job, new RunControl(job.deadline, io, world), world)
    } catch (err) {
      // A trap inside the WebAssembly (it should not happen: QuickJS checks its limits) leaves the instance
      // in an unknown state: it is dropped, and the job fails, not the runner.
      this.instances.delete(maximumPages)
      return {
        kind: 'error',
        message: `QuickJS stopped abnormally: ${err instanceof Error ? err.message : String(err)}`,
      }
    } finally {
      world.leave()
    }
  }

  private instanceFor(maximumPages: number): Promise<QuickJSWASMModule> {
    let instance = this.instances.get(maximumPages)
    if (!instance) {
      const wasmMemory = new wasmApi.Memory({
        initial: MODULE_BASELINE_BYTES / WASM_PAGE_BYTES,
        maximum: maximumPages,
      })
      instance = this.compiledModule().then((wasmModule) =>
        newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmModule, wasmMemory })),
      )
      this.instances.set(maximumPages, instance)
    }
    return instance
  }

  private compiledModule(): Promise<WebAssembly.Module> {
    this.compiled ??= readFile(resolveWasm()).then((bytes) => wasmApi.compile(bytes))
    return this.compiled
  }
}

/** The release build's .wasm, where the package that RELEASE_SYNC comes from resolves. */
function resolveWasm(): string {
  return createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')
}

/** The QuickJS engine a runner process uses. */
export const quickjsEngine: JobRuntimeEngine = new QuickJsEngine()

function runInFreshRuntime(
  instance: QuickJSWASMModule,
  source: string,
  job: RuntimeJob,
  control: RunControl,
  world: DeterministicWorld,
): RuntimeExit {
  const runtime = instance.newRuntime({
    memoryLimitBytes: job.memoryBytes,
    maxStackSizeBytes: QUICKJS_STACK_BYTES,
    interruptHandler: () => control.shouldStop(),
  })
  try {
    return runInFreshContext(runtime, source, job, control, world)
  } finally {
    runtime.dispose()
  }
}

function runInFreshContext(
  runtime: QuickJSRuntime,
  source: string,
  job: RuntimeJob,
  control: RunControl,
  world: DeterministicWorld,
): RuntimeExit {
  const context = runtime.newContext()
  try {
    const setupError = installJobGlobals(context, job, control, world)
    if (setupError) return exitForThrown(context, setupError, control)
    const evaluated = context.evalCode(source, SCRIPT_NAME, { type: 'global' })
    if (evaluated.error) return exitForThrown(context, evaluated.error, control)
    try {
      return drainPendingJobs(runtime, control) ?? exitForCompletion(context, evaluated.value, control)
    } finally {
      evaluated.value.dispose()
    }
  } finally {
    context.dispose()
  }
}

/** Defines the job's globals through {@link PRELUDE}; returns the thrown handle if that failed (memory). */
function installJobGlobals(
  context: QuickJSContext,
  job: RuntimeJob,
  control: RunControl,
  world: DeterministicWorld,
): QuickJSHandle | undefined {
  return Scope.withScope((scope) => {
    const prelude = context.evalCode(PRELUDE, 'prelude.js')
    if (prelude.error) return prelude.error
    scope.manage(prelude.value)
    const hostWrite = context.newFunction('hostWrite', (text) => {
      control.write(context.getString(text))
    })
    const hostWriteBytes = context.newFunction('hostWriteBytes', (buffer) => {
      const bytes = context.getArrayBuffer(buffer)
      control.write(bytes.value.slice())
      bytes.dispose()
    })
    const hostLog = context.newFunction('hostLog', (text) => {
      control.log(context.getString(text))
    })
    const hostRandom = context.newFunction('hostRandom', () => context.newNumber(world.randomDouble()))
    const hooks = [
      hostWrite,
      hostWriteBytes,
      hostLog,
      hostRandom,
      context.newString(lenientUtf8.decode(job.input)),
      context.newString(JSON.stringify(job.args)),
      // A copy: the input may be a view into a larger pooled Buffer.
      context.newArrayBuffer(new Uint8Array(job.input).buffer),
    ].map((handle) => scope.manage(handle))
    const called = context.callFunction(prelude.value, context.undefined, ...hooks)
    if (called.error) return called.error
    called.value.dispose()
    return undefined
  })
}

/** Runs promise reactions until none remain, so `async` scripts finish; an uncaught stop ends the run. */
function drainPendingJobs(runtime: QuickJSRuntime, control: RunControl): RuntimeExit | undefined {
  while (runtime.hasPendingJob()) {
    const executed = runtime.executePendingJobs()
    if (executed.error) return exitForThrown(executed.error.context, executed.error, control)
    executed.dispose()
  }
  return undefined
}

/** The script's completion value: a rejected or never-settled promise (e.g. from `main()`) is a failure. */
function exitForCompletion(
  context: QuickJSContext,
  completion: QuickJSHandle,
  control: RunControl,
): RuntimeExit {
  const state = context.getPromiseState(completion)
  if (state.type === 'rejected') return exitForThrown(context, state.error, control)
  if (state.type === 'pending') {
    return {
      kind: 'error',
      message: 'the script ended with a promise that never settled (there are no timers or I/O)',
    }
  }
  if (!state.notAPromise) state.value.dispose()
  return { kind: 'exit', code: 0 }
}

/** Maps a thrown value to the run's exit, and disposes it. */
function exitForThrown(context: QuickJSContext, thrown: QuickJSHandle, control: RunControl): RuntimeExit {
  try {
    const stopped = control.stoppedExit()
    if (stopped) return stopped
    const error = describeThrown(context.dump(thrown))
    if (error.name === 'InternalError' && error.message === 'out of memory') {
      return { kind: 'memory', message: 'the script ran out of its memory limit' }
    }
    return { kind: 'error', message: boundedMessage(error.text) }
  } finally {
    thrown.dispose()
  }
}

function describeThrown(dumped: unknown): { name: string; message: string; text: string } {
  if (typeof dumped === 'object' && dumped !== null && 'message' in dumped) {
    const { name, message, stack } = dumped as { name?: unknown; message?: unknown; stack?: unknown }
    const header = `${String(name ?? 'Error')}: ${String(message)}`
    return {
      name: String(name),
      message: String(message),
      text: stack ? `${header}\n${String(stack)}` : header,
    }
  }
  const text = `uncaught ${typeof dumped === 'string' ? dumped : JSON.stringify(dumped)}`
  return { name: '', message: text, text }
}
