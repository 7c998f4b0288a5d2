/**
 * Where WGSL jobs run: a GPU host has a WebGPU adapter (Dawn in the daemon, ./dawn-host.ts; or a page
 * attached over the API, ./page-hosts.ts) and runs one job on it with the shared runner
 * (shared/gpu/run-wgsl.ts). The node uses the first host that has an adapter; with none, it offers no GPU
 * jobs and says why.
 */
import type { AdapterSummary, WgslOutcome } from '../../../shared/gpu/run-wgsl'
import type { Dispatch } from '../../../shared/gpu/wgsl-job'

export interface WgslRun {
  code: Uint8Array
  input: Uint8Array
  dispatch: Dispatch
  outputBytes: number
  memoryBytes: number
  /** The run's deadline on the GPU. */
  wallMs: number
}

export type GpuHostState = { adapter: AdapterSummary; host: 'dawn' | 'page' } | { reason: string }

export interface GpuHost {
  /** The adapter GPU jobs would run on now, or why there is none, in words. */
  state(): GpuHostState
  /** Runs one job; rejects, in words, when the host itself fails (the page went away). */
  run(job: WgslRun, signal: AbortSignal): Promise<WgslOutcome>
}

/** Why a software adapter is not used unless its owner says so (docs/jobs.md, "GPU jobs"). */
export const softwareRefusal = (adapter: AdapterSummary): string =>
  `the only WebGPU adapter is a software one (${adapter.name}), which runs on the CPU outside the leased-work limits; ` +
  'set gpu.softwareAdapters in config.json to offer it'

/** The first of `hosts` that has an adapter; with none, every host's reason. */
export function firstGpuHost(hosts: readonly GpuHost[]): GpuHost {
  const pick = (): GpuHost | { reason: string } => {
    const reasons: string[] = []
    for (const host of hosts) {
      const state = host.state()
      if ('adapter' in state) return host
      reasons.push(state.reason)
    }
    return { reason: reasons.join('; ') || 'this node has no GPU host' }
  }
  return {
    state: () => {
      const host = pick()
      return 'reason' in host ? host : host.state()
    },
    run: (job, signal) => {
      const host = pick()
      return 'reason' in host ? Promise.reject(new Error(host.reason)) : host.run(job, signal)
    },
  }
}
