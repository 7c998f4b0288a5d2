/**
 * WebAssembly with WASI preview 1: the module's imports are checked (WASI functions only), its memory is
 * capped by rewriting its maximum, and `_start` runs against {@link WasiHost}. A wasm loop cannot be
 * interrupted inside its thread: the host stops it at its next WASI call after the deadline, and the
 * process around it is killed by the parent at the deadline otherwise.
 */
import type { JobRuntimeEngine, RuntimeExit, RuntimeIo, RuntimeJob } from '../runtime'
import { ProcExit, RunStopped, WasiHost } from './wasi-host'
import { WebAssemblyApi, type WasmInstance, type WasmMemory, type WasmModule } from './webassembly-api'
import {
  capModuleMemory,
  checkImports,
  ModuleRefused,
  WASM_PAGE_BYTES,
  type CappedModule,
} from './wasm-module'

/** A failure with the memory grown to this share of its cap is taken as running out of memory. */
const NEAR_CAP = 0.9

export const wasiEngine: JobRuntimeEngine = {
  runtime: 'wasm-wasi',
  async prepare(): Promise<void> {
    // Nothing to load: V8 compiles each module itself.
  },
  run: runWasi,
}

async function runWasi(job: RuntimeJob, io: RuntimeIo): Promise<RuntimeExit> {
  let capped: CappedModule
  let instance: WasmInstance
  const host = new WasiHost(job, io)
  try {
    capped = capModuleMemory(job.code, Math.floor(job.memoryBytes / WASM_PAGE_BYTES))
    const module = await compile(capped.bytes)
    instance = await WebAssemblyApi.instantiate(module, host.importsFor(checkImports(module)))
  } catch (err) {
    if (err instanceof ModuleRefused && err.kind === 'memory') return { kind: 'memory', message: err.message }
    return { kind: 'error', message: (err as Error).message }
  }
  const { memory, _start: start } = instance.exports
  if (!(memory instanceof WebAssemblyApi.Memory))
    return { kind: 'error', message: 'the module does not export its memory as `memory`, as WASI requires' }
  if (typeof start !== 'function')
    return { kind: 'error', message: 'the module does not export `_start`, the WASI command entry point' }
  host.bindMemory(memory)
  try {
    ;(start as () => void)()
    return { kind: 'exit', code: 0 }
  } catch (err) {
    return exitOf(err, memory, capped)
  }
}

async function compile(bytes: Uint8Array): Promise<WasmModule> {
  try {
    return await WebAssemblyApi.compile(bytes)
  } catch (err) {
    throw new ModuleRefused(`the code is not a valid WebAssembly module: ${(err as Error).message}`)
  }
}

/**
 * How a run that threw ended. A trap or a failing exit while the memory stands at (near) the job's cap is
 * taken as running out of memory (what C's malloc returning NULL leads to), so it is reported as `memory`.
 */
function exitOf(err: unknown, memory: WasmMemory, capped: CappedModule): RuntimeExit {
  if (err instanceof RunStopped)
    return err.why === 'timeout' ? { kind: 'timeout' } : { kind: 'exit', code: 0 }
  // Near, not at: a program that grows in steps larger than a page stops short of the cap itself.
  const atCap =
    capped.capBinds &&
    capped.maxPages != null &&
    memory.buffer.byteLength >= NEAR_CAP * capped.maxPages * WASM_PAGE_BYTES
  const memoryMessage = `the module's memory reached the job's cap of ${memory.buffer.byteLength} bytes`
  if (err instanceof ProcExit) {
    if (err.code !== 0 && atCap)
      return { kind: 'memory', message: `${memoryMessage}, then it exited ${err.code}` }
    return { kind: 'exit', code: err.code }
  }
  const message = err instanceof Error ? err.message : String(err)
  if (atCap) return { kind: 'memory', message: `${memoryMessage}: ${message}` }
  if (err instanceof RangeError && /call stack/i.test(message))
    return { kind: 'error', message: `the module overflowed its call stack: ${message}` }
  return { kind: 'error', message: `the module trapped: ${message}` }
}
