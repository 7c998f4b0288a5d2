/// <reference types="@webgpu/types" />
/**
 * Runs one WGSL job (./wgsl-job.ts) on a WebGPU implementation: Chromium's `navigator.gpu` in a page, or
 * Dawn's in the daemon (the `webgpu` package). Pure: it is given the `GPU` object, touches no globals
 * (buffer usages are the spec's numbers), and returns the output with the GPU time it measured.
 *
 * Each run has a device of its own, destroyed when it ends; at the deadline the device is destroyed
 * whatever it is doing, which ends its work. A shader that does not compile, or whose bindings do not fit
 * the format, ends as an `error` naming the compiler's first messages.
 */
import { WGSL_ENTRY_POINT, wgslBufferBytes, wordBytes, type Dispatch } from './wgsl-job'

/** GPUBufferUsage and GPUMapMode flags (WebGPU §5.1.1, §5.2), so no global is needed. */
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const
const MAP_READ = 0x1
/** GPUShaderStage.COMPUTE */
const COMPUTE = 0x4

export interface WgslJob {
  /** The WGSL source. */
  code: string
  input: Uint8Array
  dispatch: Dispatch
  outputBytes: number
  /** GPU buffer memory the run may allocate. */
  memoryBytes: number
  /** The run ends as `timeout` this long after it starts. */
  deadlineMs: number
}

export type WgslStatus = 'ok' | 'error' | 'timeout' | 'memory'

export interface WgslOutcome {
  status: WgslStatus
  /** The output buffer cut to `outputBytes` when `ok`; empty otherwise. */
  output: Uint8Array
  /** GPU time of the submitted work, in milliseconds (fractional). */
  gpuMillis: number
  /** How `gpuMillis` was measured: the GPU's timestamp queries, or the wall time from submit to done. */
  timing: 'timestamp-query' | 'submit-to-done' | 'none'
  wallMs: number
  error?: string
}

/** A WebGPU adapter as a GPU host reports it. */
export interface AdapterSummary {
  /** Vendor, architecture, device and description, as the implementation gives them. */
  name: string
  /** A software rasterizer (SwiftShader, llvmpipe, WARP): runs on the CPU. */
  software: boolean
  maxBufferBytes: number
  maxWorkgroupsPerDimension: number
  timestamps: boolean
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|software|cpu/i

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info
  const name =
    [info.vendor, info.architecture, info.device, info.description]
      .map((part) => part.trim())
      .filter((part, i, all) => part !== '' && all.indexOf(part) === i)
      .join(' ')
      .slice(0, 200) || 'unnamed WebGPU adapter'
  return {
    name,
    software: info.isFallbackAdapter === true || SOFTWARE.test(name),
    maxBufferBytes: Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize),
    maxWorkgroupsPerDimension: adapter.limits.maxComputeWorkgroupsPerDimension,
    timestamps: adapter.features.has('timestamp-query'),
  }
}

/** The adapter a GPU host would run jobs on, or why there is none. */
export async function findAdapter(gpu: GPU): Promise<{ adapter: AdapterSummary } | { reason: string }> {
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
    if (adapter == null) return { reason: 'WebGPU offers no adapter here' }
    return { adapter: summarizeAdapter(adapter) }
  } catch (err) {
    return { reason: `WebGPU failed to give an adapter: ${(err as Error).message}` }
  }
}

class RunFailure extends Error {
  constructor(
    readonly status: Exclude<WgslStatus, 'ok'>,
    message: string,
  ) {
    super(message)
  }
}

export async function runWgsl(
  gpu: GPU,
  job: WgslJob,
  options: { signal?: AbortSignal; now?: () => number } = {},
): Promise<WgslOutcome> {
  const now = options.now ?? (() => performance.now())
  const started = now()
  const ended = (status: WgslStatus, rest: Partial<WgslOutcome>): WgslOutcome => ({
    status,
    output: new Uint8Array(0),
    gpuMillis: 0,
    timing: 'none',
    wallMs: now() - started,
    ...rest,
  })
  const buffers = wgslBufferBytes(job.input.length, job.outputBytes)
  if (buffers > job.memoryBytes)
    return ended('memory', {
      error: `the job's GPU buffers take ${buffers} bytes, above its memory limit of ${job.memoryBytes}`,
    })
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (adapter == null) return ended('error', { error: 'WebGPU offers no adapter here' })
  const problem = limitProblem(adapter, job)
  if (problem != null) return ended('memory', { error: problem })
  const timestamps = adapter.features.has('timestamp-query')
  const device = await adapter.requestDevice({ requiredFeatures: timestamps ? ['timestamp-query'] : [] })
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RunFailure('timeout', `the job ran past its ${job.deadlineMs} ms`)),
      job.deadlineMs,
    )
    onAbort = () => reject(new RunFailure('error', 'the run was cancelled'))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) onAbort()
  })
  const work = dispatchJob(device, job, timestamps, now)
  try {
    const result = await Promise.race([work, stopped])
    return ended('ok', result)
  } catch (err) {
    work.catch(() => {}) // it fails once the device is destroyed below
    if (err instanceof RunFailure)
      return ended(err.status, {
        error: err.message,
        // A run cut at its deadline held the GPU all that time.
        ...(err.status === 'timeout' ? { gpuMillis: now() - started, timing: 'submit-to-done' } : {}),
      })
    return ended('error', { error: `WebGPU: ${(err as Error).message}` })
  } finally {
    clearTimeout(timer)
    if (onAbort != null) options.signal?.removeEventListener('abort', onAbort)
    device.destroy()
  }
}

function limitProblem(adapter: GPUAdapter, job: WgslJob): string | null {
  const most = Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize)
  for (const [what, bytes] of [
    ['input', wordBytes(job.input.length)],
    ['output', wordBytes(job.outputBytes)],
  ] as const)
    if (bytes > most)
      return `the job's ${what} buffer of ${bytes} bytes is larger than this GPU allows (${most})`
  const perDimension = adapter.limits.maxComputeWorkgroupsPerDimension
  const { x, y, z } = job.dispatch
  if (Math.max(x, y, z) > perDimension)
    return `the dispatch ${x}×${y}×${z} is larger than this GPU's ${perDimension} workgroups per dimension`
  return null
}

/** The job's pipeline in the format's fixed layout; throws RunFailure when the shader does not fit. */
async function compile(
  device: GPUDevice,
  code: string,
): Promise<{ layout: GPUBindGroupLayout; pipeline: GPUComputePipeline }> {
  const module = device.createShaderModule({ code })
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error')
  if (errors.length > 0)
    throw new RunFailure(
      'error',
      `WGSL does not compile: ${errors
        .slice(0, 3)
        .map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}`)
        .join('; ')}`,
    )
  const layout = device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 1, visibility: COMPUTE, buffer: { type: 'storage' } },
    ],
  })
  const pipeline = await device
    .createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: WGSL_ENTRY_POINT },
    })
    .catch((err: Error) => {
      throw new RunFailure(
        'error',
        `the shader does not fit the WGSL job format (entry point main, input at binding 0, output at binding 1): ${err.message}`,
      )
    })
  return { layout, pipeline }
}

/** Compiles, binds, dispatches and reads back; throws RunFailure for the job's own faults. */
async function dispatchJob(
  device: GPUDevice,
  job: WgslJob,
  timestamps: boolean,
  now: () => number,
): Promise<Pick<WgslOutcome, 'output' | 'gpuMillis' | 'timing'>> {
  device.pushErrorScope('validation')
  const { layout, pipeline } = await compile(device, job.code)
  const inputBuffer = device.createBuffer({
    size: wordBytes(job.input.length),
    usage: USAGE.STORAGE | USAGE.COPY_DST,
    mappedAtCreation: true,
  })
  new Uint8Array(inputBuffer.getMappedRange()).set(job.input)
  inputBuffer.unmap()
  const outputSize = wordBytes(job.outputBytes)
  const outputBuffer = device.createBuffer({ size: outputSize, usage: USAGE.STORAGE | USAGE.COPY_SRC })
  const readBack = device.createBuffer({ size: outputSize, usage: USAGE.MAP_READ | USAGE.COPY_DST })
  const queries = timestamps ? timestampQueries(device) : null
  const encoder = device.createCommandEncoder()
  const pass = encoder.beginComputePass(
    queries == null
      ? {}
      : { timestampWrites: { querySet: queries.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } },
  )
  pass.setPipeline(pipeline)
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: inputBuffer } },
        { binding: 1, resource: { buffer: outputBuffer } },
      ],
    }),
  )
  pass.dispatchWorkgroups(job.dispatch.x, job.dispatch.y, job.dispatch.z)
  pass.end()
  encoder.copyBufferToBuffer(outputBuffer, 0, readBack, 0, outputSize)
  if (queries != null) {
    encoder.resolveQuerySet(queries.set, 0, 2, queries.resolve, 0)
    encoder.copyBufferToBuffer(queries.resolve, 0, queries.read, 0, 16)
  }
  const submitted = now()
  device.queue.submit([encoder.finish()])
  await device.queue.onSubmittedWorkDone()
  const wallGpu = now() - submitted
  const invalid = await device.popErrorScope()
  if (invalid != null) throw new RunFailure('error', `WebGPU refused the job: ${invalid.message}`)
  await readBack.mapAsync(MAP_READ)
  const output = new Uint8Array(readBack.getMappedRange()).slice(0, job.outputBytes)
  readBack.unmap()
  const measured = queries == null ? null : await passNanos(queries.read)
  return measured == null
    ? { output, gpuMillis: wallGpu, timing: 'submit-to-done' }
    : { output, gpuMillis: measured / 1e6, timing: 'timestamp-query' }
}

function timestampQueries(device: GPUDevice): { set: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer } {
  return {
    set: device.createQuerySet({ type: 'timestamp', count: 2 }),
    resolve: device.createBuffer({ size: 16, usage: USAGE.QUERY_RESOLVE | USAGE.COPY_SRC }),
    read: device.createBuffer({ size: 16, usage: USAGE.MAP_READ | USAGE.COPY_DST }),
  }
}

/** The compute pass's duration from its two timestamps; null where they make no sense (some drivers). */
async function passNanos(read: GPUBuffer): Promise<number | null> {
  await read.mapAsync(MAP_READ)
  const [begin, end] = new BigUint64Array(read.getMappedRange().slice(0))
  read.unmap()
  if (begin == null || end == null || end <= begin) return null
  return Number(end - begin)
}
