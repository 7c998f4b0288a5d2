/**
 * A job engine that also runs GPU jobs: WGSL runtimes go to the GPU host (./gpu-host.ts), every other
 * runtime to the engine it wraps (the sandbox process, ../job-engine.ts). What a GPU run reports on its
 * receipt in `cpuMillis` is its GPU time, held to the job's GPU share of its run time (docs/jobs.md).
 */
import { createHash } from 'node:crypto'
import { JOB_RUNTIME_INFO } from '../../../shared/jobs-schemas'
import { MAX_WGSL_CODE_BYTES, parseDispatch } from '../../../shared/gpu/wgsl-job'
import type { JobEngine, SandboxOutcome, SandboxRun } from '../provider/run-port'
import type { GpuHost } from './gpu-host'

const isGpu = (runtime: SandboxRun['runtime']): boolean => JOB_RUNTIME_INFO[runtime].resource === 'gpu'

export function withGpuJobs(engine: JobEngine, gpu: GpuHost): JobEngine {
  return {
    refusalFor: (runtime) => {
      if (!isGpu(runtime)) return engine.refusalFor(runtime)
      const state = gpu.state()
      return 'reason' in state ? `this node runs no GPU jobs: ${state.reason}` : null
    },
    run: (run, group, options) =>
      isGpu(run.runtime) ? runOnGpu(gpu, run, options) : engine.run(run, group, options),
  }
}

/**
 * Runs one WGSL job on the GPU host. The job's own faults (a bad dispatch, code that is not UTF-8 or does
 * not compile, a timeout) end as its status; the host's (no adapter any more, the page went away, a
 * cancel) reject, so that no receipt is signed for a run that did not happen.
 */
export async function runOnGpu(
  gpu: GpuHost,
  run: SandboxRun,
  options: { signal: AbortSignal; onLog(text: string): void },
): Promise<SandboxOutcome> {
  const started = performance.now()
  const ended = (
    status: SandboxOutcome['status'],
    rest: { output?: Uint8Array; gpuMillis?: number; log?: string; error?: string },
  ): SandboxOutcome => {
    const wallMs = Math.round(performance.now() - started)
    const output = rest.output ?? new Uint8Array(0)
    // The job's GPU share of the time it ran, and never more than its escrow allows.
    const share = Math.floor((run.limits.millicores * Math.min(wallMs, run.limits.wallMs)) / 1000)
    return {
      status,
      output,
      outputHash: createHash('sha256').update(output).digest('hex'),
      cpuMillis: Math.min(Math.ceil(rest.gpuMillis ?? 0), share),
      wallMs,
      log: rest.log ?? '',
      ...(rest.error != null ? { error: rest.error } : {}),
    }
  }
  const dispatch = parseDispatch(run.args)
  if ('problem' in dispatch) return ended('error', { error: dispatch.problem })
  if (run.code.length > MAX_WGSL_CODE_BYTES)
    return ended('error', { error: `a WGSL module is at most ${MAX_WGSL_CODE_BYTES} bytes` })
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(run.code)
  } catch {
    return ended('error', { error: 'the WGSL code is not UTF-8 text' })
  }
  const state = gpu.state()
  if ('reason' in state) throw new Error(`this node runs no GPU jobs: ${state.reason}`)
  const outcome = await gpu.run(
    {
      code: run.code,
      input: run.input,
      dispatch,
      outputBytes: run.limits.outputBytes,
      memoryBytes: run.limits.memoryBytes,
      wallMs: run.limits.wallMs,
    },
    options.signal,
  )
  const { adapter } = state
  const log =
    `ran on the WebGPU adapter ${adapter.name}${adapter.software ? ' (software)' : ''}` +
    ` (${state.host === 'dawn' ? 'in the node' : 'in a page'}); ` +
    `GPU time ${outcome.gpuMillis.toFixed(3)} ms by ${outcome.timing}\n`
  options.onLog(log)
  return ended(outcome.status, {
    output: outcome.status === 'ok' ? outcome.output : new Uint8Array(0),
    gpuMillis: outcome.gpuMillis,
    log,
    ...(outcome.error != null ? { error: outcome.error } : {}),
  })
}
