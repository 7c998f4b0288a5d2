/**
 * This page as a GPU host of its node (shared/gpu-schemas.ts): where the browser gives a WebGPU adapter,
 * the page attaches, polls for GPU jobs, runs each with the shared runner (shared/gpu/run-wgsl.ts) and
 * sends back its output. The node decides whether to use the adapter (a software one only when its owner
 * opted in) and says so on the GPU sharing card.
 */
import { ApiError, type HyperMeshApi } from '../../../shared/api'
import { GPU_CHUNK_BYTES, type GpuTask } from '../../../shared/gpu-schemas'
import { findAdapter, runWgsl, type WgslOutcome } from '../../../shared/gpu/run-wgsl'
import { fromBase64, toBase64 } from '../lib/base64'

export type PageGpuHostState =
  | { kind: 'none'; reason: string }
  | { kind: 'attached'; adapter: string; used: boolean; reason: string | null }
  | { kind: 'stopped' }

export interface PageGpuHost {
  stop(): void
}

const RETRY_MS = [1_000, 2_000, 5_000] as const

/** Starts lending `gpu` to the node; `onState` hears what became of it. */
export function startPageGpuHost(
  api: HyperMeshApi,
  gpu: GPU | undefined,
  onState: (state: PageGpuHostState) => void = () => {},
): PageGpuHost {
  let stopped = false
  let hostId: string | null = null
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

  const serve = async (): Promise<void> => {
    if (gpu == null) return onState({ kind: 'none', reason: 'this browser has no WebGPU' })
    const found = await findAdapter(gpu)
    if ('reason' in found) return onState({ kind: 'none', reason: found.reason })
    let failures = 0
    while (!stopped) {
      try {
        if (hostId == null) {
          const attached = await api.call('gpu.attach', { adapter: found.adapter })
          hostId = attached.hostId
          onState({
            kind: 'attached',
            adapter: found.adapter.name,
            used: attached.used,
            reason: attached.reason,
          })
        }
        const { task } = await api.call('gpu.poll', { hostId })
        failures = 0
        if (task != null && !stopped) await runTask(api, gpu, hostId, task)
      } catch (err) {
        // Dropped by the node (it restarted, or this page was silent too long): attach again.
        if (err instanceof ApiError && err.code === 'NOT_FOUND') hostId = null
        await pause(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!)
      }
    }
  }
  void serve()
  return {
    stop() {
      stopped = true
      if (hostId != null) void api.call('gpu.detach', { hostId }).catch(() => {})
      onState({ kind: 'stopped' })
    },
  }
}

/** Reads the task's code and input, runs it, sends its output and finishes it. */
async function runTask(api: HyperMeshApi, gpu: GPU, hostId: string, task: GpuTask): Promise<void> {
  const read = async (part: 'code' | 'input', size: number): Promise<Uint8Array> => {
    const bytes = new Uint8Array(size)
    for (let offset = 0; offset < size; offset += GPU_CHUNK_BYTES) {
      const length = Math.min(GPU_CHUNK_BYTES, size - offset)
      const { data } = await api.call('gpu.readTask', { hostId, taskId: task.taskId, part, offset, length })
      bytes.set(fromBase64(data), offset)
    }
    return bytes
  }
  const code = await read('code', task.codeBytes)
  const input = await read('input', task.inputBytes)
  let outcome: WgslOutcome
  try {
    outcome = await runWgsl(gpu, {
      code: new TextDecoder('utf-8', { fatal: true }).decode(code),
      input,
      dispatch: task.dispatch,
      outputBytes: task.outputBytes,
      memoryBytes: task.memoryBytes,
      deadlineMs: task.deadlineMs,
    })
  } catch (err) {
    outcome = {
      status: 'error',
      output: new Uint8Array(0),
      gpuMillis: 0,
      timing: 'none',
      wallMs: 0,
      error: `the page could not run the job: ${(err as Error).message}`,
    }
  }
  if (outcome.status === 'ok')
    for (let offset = 0; offset < outcome.output.length; offset += GPU_CHUNK_BYTES)
      await api.call('gpu.output', {
        hostId,
        taskId: task.taskId,
        offset,
        data: toBase64(outcome.output.subarray(offset, offset + GPU_CHUNK_BYTES)),
      })
  await api.call('gpu.finish', {
    hostId,
    taskId: task.taskId,
    status: outcome.status,
    gpuMillis: Math.min(outcome.gpuMillis, 3_600_000),
    timing: outcome.timing,
    error: outcome.error?.slice(0, 2_000) ?? null,
  })
}
