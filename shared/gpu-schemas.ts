/**
 * GPU hosts: a page with WebGPU (the UI in a browser, or the desktop app's hidden GPU window) lends its
 * adapter to the node for GPU jobs (docs/jobs.md, "GPU jobs"). The page attaches, then long-polls for a
 * task; it reads the task's code and input in chunks, runs it (shared/gpu/run-wgsl.ts), sends the output
 * in chunks and finishes. A page that stops polling is dropped, and its task fails.
 *
 * Polling rather than an event: events go to every window of the node, and the API knows no connection
 * a call came on; a poll names its host, and its coming back is how the node knows the page is there.
 */
import { z } from 'zod'
import { MAX_WORKGROUPS_PER_DIMENSION } from './gpu/wgsl-job'

const MiB = 1024 * 1024
/** Bytes of code, input or output one call carries (base64 of it stays under the 64 KiB message). */
export const GPU_CHUNK_BYTES = 32 * 1024
/** How long a poll waits for a task before it answers with none (under the client's 15 s call timeout). */
export const GPU_POLL_WAIT_MS = 10_000

const Base64Chunk = z
  .string()
  .max(Math.ceil(GPU_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
const HostId = z.string().regex(/^[0-9a-f]{32}$/, 'a GPU host id is 32 hex digits')
const TaskId = z.string().regex(/^[0-9a-f]{32}$/, 'a GPU task id is 32 hex digits')

/** A WebGPU adapter as the page found it (shared/gpu/run-wgsl.ts summarizeAdapter). */
export const GpuAdapterSummary = z
  .object({
    name: z.string().min(1).max(200),
    /** A software rasterizer (SwiftShader, llvmpipe, WARP): it runs on the CPU. */
    software: z.boolean(),
    maxBufferBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 53 - 1),
    maxWorkgroupsPerDimension: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32),
    timestamps: z.boolean(),
  })
  .strict()
export type GpuAdapterSummary = z.infer<typeof GpuAdapterSummary>

export const GpuAttachRequest = z.object({ adapter: GpuAdapterSummary }).strict()
export const GpuAttached = z.object({
  hostId: HostId,
  /** Whether the node runs GPU jobs on this adapter; if not, why (a software adapter not opted in). */
  used: z.boolean(),
  reason: z.string().nullable(),
})
export type GpuAttached = z.infer<typeof GpuAttached>

export const GpuHostRef = z.object({ hostId: HostId }).strict()

/** A GPU job for the page to run: what to read, and its bounds. */
export const GpuTask = z.object({
  taskId: TaskId,
  codeBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * MiB),
  inputBytes: z
    .number()
    .int()
    .min(0)
    .max(16 * MiB),
  dispatch: z.object({
    x: z.number().int().min(1).max(MAX_WORKGROUPS_PER_DIMENSION),
    y: z.number().int().min(1).max(MAX_WORKGROUPS_PER_DIMENSION),
    z: z.number().int().min(1).max(MAX_WORKGROUPS_PER_DIMENSION),
  }),
  outputBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * MiB),
  memoryBytes: z.number().int().min(1),
  /** The run's own deadline; the node gives the page a little more to send the output. */
  deadlineMs: z.number().int().min(1).max(3_600_000),
})
export type GpuTask = z.infer<typeof GpuTask>

export const GpuPollResult = z.object({ task: GpuTask.nullable() })

export const GpuTaskRead = z
  .object({
    hostId: HostId,
    taskId: TaskId,
    part: z.enum(['code', 'input']),
    offset: z.number().int().min(0),
    length: z.number().int().min(1).max(GPU_CHUNK_BYTES),
  })
  .strict()

export const GpuOutputChunk = z
  .object({ hostId: HostId, taskId: TaskId, offset: z.number().int().min(0), data: Base64Chunk })
  .strict()

export const GpuFinish = z
  .object({
    hostId: HostId,
    taskId: TaskId,
    status: z.enum(['ok', 'error', 'timeout', 'memory']),
    /** GPU time of the run's submitted work (ms); the node holds it to the time the task was out. */
    gpuMillis: z.number().min(0).max(3_600_000),
    timing: z.enum(['timestamp-query', 'submit-to-done', 'none']),
    error: z.string().max(2_000).nullable(),
  })
  .strict()
export type GpuFinish = z.infer<typeof GpuFinish>

/** Where this node's GPU jobs run now, for the GPU card. */
export const GpuJobsStatus = z.object({
  /** The adapter GPU jobs run on; null when they run nowhere. */
  adapter: GpuAdapterSummary.nullable(),
  /** `dawn`: in the daemon itself; `page`: a page attached over the API. */
  host: z.enum(['dawn', 'page']).nullable(),
  /** Why no GPU jobs run here, in words; null when they do. */
  reason: z.string().nullable(),
  /** Pages attached now. */
  pages: z.number().int().min(0),
})
export type GpuJobsStatus = z.infer<typeof GpuJobsStatus>
