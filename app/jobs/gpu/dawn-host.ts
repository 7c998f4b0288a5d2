/**
 * GPU jobs in the daemon itself, on Dawn (Chromium's WebGPU implementation) through the `webgpu` npm
 * package, an optional dependency loaded only when the node starts. Where it is not installed, or finds
 * no adapter (no GPU, or only a software Vulkan that Dawn refuses), the host says so and runs nothing.
 */
import { findAdapter, runWgsl } from '../../../shared/gpu/run-wgsl'
import { softwareRefusal, type GpuHost, type GpuHostState } from './gpu-host'

/** Loads Dawn's `GPU`; the package is optional, so this may fail, in words. */
export async function loadDawn(): Promise<GPU> {
  // A variable specifier: bundlers leave it to the runtime, and type-checking does not need the package.
  const specifier = 'webgpu'
  const dawn = (await import(specifier)) as { create(flags: string[]): GPU }
  return dawn.create([])
}

export async function createDawnGpuHost(options: {
  allowSoftware: boolean
  load?: () => Promise<GPU>
}): Promise<GpuHost> {
  let gpu: GPU
  try {
    gpu = await (options.load ?? loadDawn)()
  } catch (err) {
    const reason = `Dawn (the webgpu package) is not available: ${(err as Error).message.split('\n')[0]}`
    return unavailable(reason)
  }
  const found = await findAdapter(gpu)
  if ('reason' in found)
    return unavailable(`no WebGPU adapter in the daemon: Dawn found none (${found.reason})`)
  if (found.adapter.software && !options.allowSoftware) return unavailable(softwareRefusal(found.adapter))
  const state: GpuHostState = { adapter: found.adapter, host: 'dawn' }
  return {
    state: () => state,
    run: (job, signal) =>
      runWgsl(
        gpu,
        {
          code: new TextDecoder().decode(job.code),
          input: job.input,
          dispatch: job.dispatch,
          outputBytes: job.outputBytes,
          memoryBytes: job.memoryBytes,
          deadlineMs: job.wallMs,
        },
        { signal },
      ),
  }
}

const unavailable = (reason: string): GpuHost => ({
  state: () => ({ reason }),
  run: () => Promise.reject(new Error(reason)),
})
