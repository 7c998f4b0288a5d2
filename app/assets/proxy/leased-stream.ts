/**
 * What every leased proxy stream shares: the first frame presents a lease; the owner checks the privacy
 * level for the authenticated peer, then the lease against its lease book and the asset's capacity, and
 * answers ok (with the leased amount) or the refusal. Frames are length-prefixed JSON headers, with raw
 * bytes in the frame after a header where an operation carries data.
 */
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { z } from 'zod'
import { LeaseError, SignedLease, type LeaseTerms } from '../leases/lease'
import type { LeaseBook } from '../leases/lease-book'
import type { BandwidthCaps } from './token-bucket'

export const MAX_HEADER_BYTES = 16 * 1024
/**
 * Data frames are at most this long: libp2p resets a stream that buffers more than 4 MiB unread, so a
 * large payload travels as several frames.
 */
export const MAX_FRAME_BYTES = 1024 * 1024

export const OpenRequest = z.object({ type: z.literal('open'), lease: SignedLease }).strict()

export const ProxyResponse = z.union([
  z.object({ ok: z.literal(true), size: z.number().int().optional() }).passthrough(),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }).strict(),
])
export type ProxyResponse = z.infer<typeof ProxyResponse>

export interface LeasedAsset {
  book: LeaseBook
  /** The asset's id and what it offers now, in the lease's unit. */
  asset(): { assetId: string; capacity: bigint }
  /** Null when the peer may use the asset under its privacy level; else why not. */
  refusalFor(peer: string): string | null
  /** The resource's bandwidth caps; absent: none. */
  caps?: BandwidthCaps
  log: Logger
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** Parses a frame's JSON header under `schema`; null for anything else (oversized, not UTF-8, not JSON). */
export function parseHeader<T>(bytes: Uint8Array, schema: z.ZodType<T>): T | null {
  if (bytes.length > MAX_HEADER_BYTES) return null
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The owner's side of the first frame: returns the lease's terms, or null after answering the refusal. */
export async function acceptLease(
  lp: LengthPrefixedStream<Stream>,
  peer: string,
  leased: LeasedAsset,
): Promise<LeaseTerms | null> {
  const first = parseHeader((await lp.read()).subarray(), OpenRequest)
  if (first == null) {
    await lp.write(encodeJson({ ok: false, code: 'no-lease', message: 'open the stream with a lease' }))
    return null
  }
  const refusal = leased.refusalFor(peer)
  if (refusal != null) {
    await lp.write(encodeJson({ ok: false, code: 'not-allowed', message: refusal }))
    return null
  }
  const { assetId, capacity } = leased.asset()
  try {
    const terms = leased.book.activate(first.lease, peer, assetId, capacity)
    await lp.write(encodeJson({ ok: true, size: Number(terms.amount) }))
    return terms
  } catch (err) {
    if (!(err instanceof LeaseError)) throw err
    leased.log.info({ peer, code: err.code }, 'refused a lease')
    await lp.write(encodeJson({ ok: false, code: err.code, message: err.message }))
    return null
  }
}

export class ProxyRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ProxyRefusal'
  }
}

/** Reads the owner's answer to a request; a refusal throws ProxyRefusal. */
export async function readAnswer(
  lp: LengthPrefixedStream<Stream>,
): Promise<Extract<ProxyResponse, { ok: true }>> {
  const answer = parseHeader((await lp.read()).subarray(), ProxyResponse)
  if (answer == null)
    throw new ProxyRefusal('malformed', 'the owner answered with something that is not a proxy response')
  if (!answer.ok) throw new ProxyRefusal(answer.code, answer.message)
  return answer
}

/** Writes `bytes` as frames of at most MAX_FRAME_BYTES, after `header` (in the same write). */
export async function writeChunked(
  lp: LengthPrefixedStream<Stream>,
  header: Uint8Array,
  bytes: Uint8Array,
): Promise<void> {
  const frames = [header]
  for (let at = 0; at < bytes.length; at += MAX_FRAME_BYTES)
    frames.push(bytes.subarray(at, at + MAX_FRAME_BYTES))
  await lp.writeV(frames)
}

/** Reads `length` bytes sent by writeChunked; refuses a frame that would pass `length`. */
export async function readChunked(lp: LengthPrefixedStream<Stream>, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  let at = 0
  while (at < length) {
    const frame = (await lp.read()).subarray()
    if (frame.length === 0 || at + frame.length > length)
      throw new ProxyRefusal('malformed', `expected ${length} bytes of data`)
    out.set(frame, at)
    at += frame.length
  }
  return out
}

/**
 * The holder's end of a leased stream: one request at a time (each waits for the one before), and a
 * close that lets the last request finish first.
 */
export abstract class LeasedClient {
  private busy: Promise<unknown> = Promise.resolve()

  protected constructor(
    protected readonly stream: Stream,
    protected readonly lp: LengthPrefixedStream<Stream>,
  ) {}

  async close(): Promise<void> {
    await this.busy.catch(() => {})
    await this.stream.close().catch(() => {})
  }

  protected serially<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.catch(() => {}).then(fn)
    this.busy = next
    return next
  }
}
