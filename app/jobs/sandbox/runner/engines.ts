/** The engine for each runtime, loaded only when a job needs it (Pyodide alone is tens of MiB). */
import type { JobRuntime } from '../../../../shared/jobs-schemas'
import type { JobRuntimeEngine } from '../runtime'

export async function engineFor(runtime: JobRuntime): Promise<JobRuntimeEngine> {
  switch (runtime) {
    case 'wasm-wasi':
      return (await import('../runtimes/wasi')).wasiEngine
    case 'quickjs':
      return (await import('../runtimes/quickjs')).quickjsEngine
    case 'pyodide':
      return (await import('../runtimes/pyodide')).pyodideEngine
    case 'wgsl':
      throw new Error('WGSL jobs run on the GPU path, not in the CPU sandbox process')
    default:
      throw new Error(`there is no runtime named ${String(runtime)}`)
  }
}
