/**
 * The pipes between the node and a sandbox process (app/jobs/sandbox/runner/).
 *
 * stdin, node → runner: a 4-byte big-endian length, that many bytes of JSON ({@link JobHeader}), then the
 * code (`codeBytes`) and the input (`inputBytes`). The node keeps stdin open until it has measured the
 * process's CPU time after the result; the runner exits when stdin ends.
 *
 * stdout, runner → node: frames of a 1-byte type, a 4-byte big-endian length and the payload: `log` (UTF-8
 * text of the job's stderr), `output` (bytes of its output, in order), `started` (the engine is loaded and
 * the job's code is about to run; its wall time counts from here) and one `result` ({@link RunnerResult}).
 */
import type { JobRuntime } from '../../../shared/jobs-schemas'
import type { RuntimeExit } from './runtime'

export interface JobHeader {
  runtime: JobRuntime
  args: string[]
  memoryBytes: number
  wallMs: number
  outputBytes: number
  grants: { clock: boolean; random: boolean }
  startTimeMs: number
  /** 32 bytes, hex. */
  seed: string
  codeBytes: number
  inputBytes: number
}

export interface RunnerResult {
  exit: RuntimeExit
  /** Whether the runner cut the output at `outputBytes`. */
  truncated: boolean
}

export const FRAME = { log: 1, output: 2, started: 3, result: 4 } as const
export type FrameType = keyof typeof FRAME
const FRAME_NAMES = new Map<number, FrameType>(
  Object.entries(FRAME).map(([name, id]) => [id, name as FrameType]),
)
/** No frame is larger: output comes in chunks of at most this, logs in lines much shorter. */
export const MAX_FRAME_BYTES = 256 * 1024
const MAX_HEADER_BYTES = 16 * 1024

export function encodeJob(
  header: Omit<JobHeader, 'codeBytes' | 'inputBytes'>,
  code: Uint8Array,
  input: Uint8Array,
) {
  const json = new TextEncoder().encode(
    JSON.stringify({ ...header, codeBytes: code.length, inputBytes: input.length }),
  )
  const prefix = new Uint8Array(4)
  new DataView(prefix.buffer).setUint32(0, json.length)
  return Buffer.concat([prefix, json, code, input])
}

/** Splits what the runner read from stdin; refuses a header that is not one. */
export function decodeJob(
  bytes: Uint8Array,
): { header: JobHeader; code: Uint8Array; input: Uint8Array } | null {
  if (bytes.length < 4) return null
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)
  if (length > MAX_HEADER_BYTES)
    throw new Error(`the job header is ${length} bytes, more than ${MAX_HEADER_BYTES}`)
  if (bytes.length < 4 + length) return null
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as JobHeader
  const end = 4 + length + header.codeBytes + header.inputBytes
  if (bytes.length < end) return null
  const code = bytes.subarray(4 + length, 4 + length + header.codeBytes)
  return { header, code, input: bytes.subarray(4 + length + header.codeBytes, end) }
}

export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + payload.length)
  frame[0] = FRAME[type]
  new DataView(frame.buffer).setUint32(1, payload.length)
  frame.set(payload, 5)
  return frame
}

/** Reassembles frames from stdout chunks; throws on a frame no runner writes (the node then ends the run). */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Uint8Array): { type: FrameType; payload: Buffer }[] {
    this.pending = Buffer.concat([this.pending, chunk])
    const frames: { type: FrameType; payload: Buffer }[] = []
    while (this.pending.length >= 5) {
      const type = FRAME_NAMES.get(this.pending[0]!)
      const length = this.pending.readUInt32BE(1)
      if (type == null) throw new Error(`the sandbox wrote an unknown frame type ${this.pending[0]}`)
      if (length > MAX_FRAME_BYTES) throw new Error(`the sandbox wrote a ${length}-byte frame`)
      if (this.pending.length < 5 + length) break
      frames.push({ type, payload: this.pending.subarray(5, 5 + length) })
      this.pending = this.pending.subarray(5 + length)
    }
    return frames
  }
}
