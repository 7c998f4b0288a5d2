/**
 * The job's output and log as the runner sends them: output in chunks, cut exactly at the job's output
 * limit; log text in lines of at most 1 KiB and at most 64 KiB in all (the node keeps the last 8 KiB).
 */
import { encodeFrame, type FrameType } from '../job-stream'
import type { RuntimeIo } from '../runtime'

const OUTPUT_CHUNK_BYTES = 64 * 1024
const LOG_LINE_CHARS = 1024
const LOG_TOTAL_CHARS = 64 * 1024

export class BoundedIo implements RuntimeIo {
  private written = 0
  private logged = 0
  truncated = false

  constructor(
    private readonly outputLimit: number,
    private readonly send: (frame: Uint8Array) => void,
  ) {}

  write(bytes: Uint8Array): boolean {
    if (this.truncated) return false
    const room = this.outputLimit - this.written
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes
    for (let at = 0; at < kept.length; at += OUTPUT_CHUNK_BYTES)
      this.frame('output', kept.subarray(at, Math.min(kept.length, at + OUTPUT_CHUNK_BYTES)))
    this.written += kept.length
    if (bytes.length > room) this.truncated = true
    return !this.truncated
  }

  log(text: string): void {
    if (this.logged >= LOG_TOTAL_CHARS) return
    let kept = text.length > LOG_LINE_CHARS ? `${text.slice(0, LOG_LINE_CHARS)}…\n` : text
    this.logged += Math.max(kept.length, 1)
    if (this.logged >= LOG_TOTAL_CHARS) kept = '… (the log was cut here)\n'
    this.frame('log', new TextEncoder().encode(kept))
  }

  frame(type: FrameType, payload: Uint8Array): void {
    this.send(encodeFrame(type, payload))
  }
}
