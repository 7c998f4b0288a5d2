/**
 * What every leased proxy stream shares: the first frame presents a lease; the owner checks the privacy
 * level for the authenticated peer (and, on a relayed connection, that the resource may be reached
 * through relays), then the lease against its lease book, the asset's capacity and the leases it runs at
 * once, and answers ok (with the leased amount) or the refusal. Frames are length-prefixed JSON headers,
 * with raw bytes in the frame after a header where an operation carries data. Every read and write on
 * the owner's side has a deadline (app/stoq/stream-deadlines.ts).
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { Uint8ArrayList } from 'uint8arraylist'
import { z } from 'zod'
import type { SharingSettings } from '../../../shared/sharing-schemas'
import { LeaseError, SignedLease, SignedUsageReceipt, type LeaseTerms } from '../../consensus'
import type { LeaseBook } from '../leases/lease-book'
import { isRelayed } from './relay-choice'
import { DeadlineError, KEEPALIVE_MS, STREAM_DEADLINES, withDeadline, type StreamDeadlines } from '../../stoq'
import type { BandwidthCaps } from './token-bucket'

export const MAX_HEADER_BYTES = 16 * 1024
/**
 * Data frames are at most this long: libp2p resets a stream that buffers more than 4 MiB unread, so a
 * large payload travels as several frames.
 */
export const MAX_FRAME_BYTES = 1024 * 1024

export const OpenRequest = z.object({ type: z.literal('open'), lease: SignedLease }).strict()
/** Any time after opening, the holder may send its signed receipt for the time it has held the lease. */
export const ReceiptRequest = z.object({ type: z.literal('receipt'), receipt: SignedUsageReceipt }).strict()
/** The holder's keep-alive, when it has sent nothing else for KEEPALIVE_MS; answered ok. */
export const PingRequest = z.object({ type: z.literal('ping') }).strict()
/** How often a holder sends a receipt while it keeps a stream open (and once more when it closes it). */
export const RECEIPT_INTERVAL_MS = 60_000

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
  /** The owner's terms on leases at once and on relayed use; absent: neither is limited. */
  terms?(): Pick<SharingSettings, 'maxLeases' | 'relayThroughPeers'>
  /** Leases of the asset that hold something between streams (stored shards), so run without one. */
  holding?(): readonly string[]
  /** The resource's bandwidth caps; absent: none. */
  caps?: BandwidthCaps
  /** Keeps a holder's usage receipt for a lease in use since `openedAtMs`; null, or why it was refused. */
  takeReceipt?(receipt: SignedUsageReceipt, lease: LeaseTerms, openedAtMs: number): string | null
  log: Logger
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** A frame's JSON header; undefined for anything else (oversized, not UTF-8, not JSON). */
function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length > MAX_HEADER_BYTES) return undefined
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
}

/** Parses a frame's JSON header under `schema`; null for anything else. */
export function parseHeader<T>(bytes: Uint8Array, schema: z.ZodType<T>): T | null {
  const parsed = schema.safeParse(parseJson(bytes))
  return parsed.success ? parsed.data : null
}

/** Why a peer on a relayed connection may not use the asset; null when it may (or is not relayed). */
export function relayRefusal(
  terms: Pick<SharingSettings, 'relayThroughPeers'> | undefined,
  relayed: boolean,
): string | null {
  if (terms == null || terms.relayThroughPeers || !relayed) return null
  return 'its owner lets it be reached directly only, not through other peers’ relays'
}

/**
 * The owner's side of the first frame, which must come within `deadlines.openMs`: returns the lease's
 * terms, or null after answering the refusal.
 */
export async function acceptLease(
  lp: LengthPrefixedStream<Stream>,
  connection: Connection,
  leased: LeasedAsset,
  deadlines: StreamDeadlines = STREAM_DEADLINES,
): Promise<LeaseTerms | null> {
  const peer = connection.remotePeer.toString()
  const frame = await withDeadline(deadlines.openMs, 'the lease', (signal) => lp.read({ signal }))
  const first = parseHeader(frame.subarray(), OpenRequest)
  const answer = (value: unknown) =>
    withDeadline(deadlines.frameMs, 'the answer to the lease', (signal) =>
      lp.write(encodeJson(value), { signal }),
    )
  if (first == null) {
    await answer({ ok: false, code: 'no-lease', message: 'open the stream with a lease' })
    return null
  }
  const terms = leased.terms?.()
  const refusal = leased.refusalFor(peer) ?? relayRefusal(terms, isRelayed(connection))
  if (refusal != null) {
    await answer({ ok: false, code: 'not-allowed', message: refusal })
    return null
  }
  const { assetId, capacity } = leased.asset()
  try {
    const lease = leased.book.activate(first.lease, peer, assetId, {
      capacity,
      maxLeases: terms?.maxLeases,
      holding: leased.holding?.(),
    })
    await answer({ ok: true, size: Number(lease.amount) })
    return lease
  } catch (err) {
    if (!(err instanceof LeaseError)) throw err
    leased.log.info({ peer, code: err.code }, 'refused a lease')
    await answer({ ok: false, code: err.code, message: err.message })
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
  return parseAnswer((await lp.read()).subarray())
}

/** The owner's answer in `bytes`; a refusal throws ProxyRefusal. */
export function parseAnswer(bytes: Uint8Array): Extract<ProxyResponse, { ok: true }> {
  const answer = parseHeader(bytes, ProxyResponse)
  if (answer == null)
    throw new ProxyRefusal('malformed', 'the owner answered with something that is not a proxy response')
  if (!answer.ok) throw new ProxyRefusal(answer.code, answer.message)
  return answer
}

/** `header`, then `bytes` as frames of at most MAX_FRAME_BYTES. */
export function chunked(header: Uint8Array, bytes: Uint8Array): Uint8Array[] {
  const frames = [header]
  for (let at = 0; at < bytes.length; at += MAX_FRAME_BYTES)
    frames.push(bytes.subarray(at, at + MAX_FRAME_BYTES))
  return frames
}

/** Writes `bytes` as frames of at most MAX_FRAME_BYTES, after `header` (in the same write). */
export async function writeChunked(
  lp: LengthPrefixedStream<Stream>,
  header: Uint8Array,
  bytes: Uint8Array,
): Promise<void> {
  await lp.writeV(chunked(header, bytes))
}

/** The frames of `length` bytes sent by writeChunked, each read with `read`; refuses one that passes `length`. */
async function* framesOf(
  read: () => Promise<Uint8ArrayList>,
  length: number,
): AsyncGenerator<{ frame: Uint8Array; at: number }> {
  let at = 0
  while (at < length) {
    const frame = (await read()).subarray()
    if (frame.length === 0 || at + frame.length > length)
      throw new ProxyRefusal('malformed', `expected ${length} bytes of data`)
    yield { frame, at }
    at += frame.length
  }
}

/** Reads `length` bytes sent by writeChunked (the owner's reads carry a deadline). */
export async function readChunked(read: () => Promise<Uint8ArrayList>, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  for await (const { frame, at } of framesOf(read, length)) out.set(frame, at)
  return out
}

/** Reads past `length` bytes sent by writeChunked, keeping none: a request refused before its data. */
export async function skipChunked(read: () => Promise<Uint8ArrayList>, length: number): Promise<void> {
  for await (const _ of framesOf(read, length));
}

/**
 * The holder's end of a leased stream: one request at a time (each waits for the one before), a
 * keep-alive when it has sent nothing for KEEPALIVE_MS (the owner closes streams idle for longer than
 * its deadline), and a close that lets the last request finish first.
 */
export abstract class LeasedClient {
  private busy: Promise<unknown> = Promise.resolve()
  private lastSent = Date.now()
  private readonly keepAlive: NodeJS.Timeout
  private receipts: {
    lease: LeaseTerms
    signer: ReceiptSigner
    since: number
    timer: NodeJS.Timeout
  } | null = null
  private receiptsEnded: number | null = null

  protected constructor(
    protected readonly stream: Stream,
    protected readonly lp: LengthPrefixedStream<Stream>,
    keepAliveMs = KEEPALIVE_MS,
  ) {
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastSent >= keepAliveMs) void this.ping().catch(() => {})
    }, keepAliveMs)
    this.keepAlive.unref()
    stream.addEventListener('close', () => clearInterval(this.keepAlive), { once: true })
  }

  /** Tells the owner this holder is still there; its answer is read like any other. */
  ping(): Promise<void> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'ping' }))
      await readAnswer(this.lp)
    })
  }

  /**
   * Sends the owner this holder's signed receipts for the time it holds `lease` (every `intervalMs`, and
   * at close), which the owner claims rewards with. A refused receipt is the owner's loss, not an error.
   */
  sendReceipts(
    lease: LeaseTerms,
    signer: ReceiptSigner,
    options: { intervalMs?: number; since?: number } = {},
  ): void {
    const intervalMs = options.intervalMs ?? RECEIPT_INTERVAL_MS
    if (this.receipts != null) clearInterval(this.receipts.timer)
    const timer = setInterval(() => void this.sendReceipt().catch(() => {}), intervalMs)
    timer.unref()
    this.receipts = { lease, signer, since: options.since ?? Date.now(), timer }
  }

  /** Where the receipts sent so far end (null: none are sent on this stream). */
  receiptedTo(): number | null {
    return this.receipts?.since ?? this.receiptsEnded
  }

  /** Sends a receipt for the time since the last one; the owner's answer: null when taken, else why not. */
  sendReceipt(): Promise<string | null> {
    return this.serially(async () => {
      const r = this.receipts
      if (r == null) return 'no receipts are sent on this stream'
      const now = Math.min(Date.now(), r.lease.endsAt)
      const receipt = r.signer.sign(r.lease, r.since, now)
      if (receipt == null) return 'nothing to receipt'
      r.since = now
      await this.lp.write(encodeJson({ type: 'receipt', receipt }))
      const answer = parseHeader((await this.lp.read()).subarray(), ProxyResponse)
      return answer == null ? 'the owner did not answer' : answer.ok ? null : answer.message
    })
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive)
    if (this.receipts != null) {
      clearInterval(this.receipts.timer)
      await this.sendReceipt().catch(() => {})
      this.receiptsEnded = this.receipts.since
      this.receipts = null
    }
    await this.busy.catch(() => {})
    await this.stream.close().catch(() => {})
  }

  protected serially<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy
      .catch(() => {})
      .then(() => {
        this.lastSent = Date.now()
        return fn()
      })
    this.busy = next
    return next
  }
}

/** Signs the holder's receipt for holding a lease from `startsAt` to `endsAt`; null when none can be made. */
export interface ReceiptSigner {
  sign(lease: LeaseTerms, startsAt: number, endsAt: number): SignedUsageReceipt | null
}

export interface LeasedServerParts extends LeasedAsset {
  libp2p: Libp2p
  now?: () => number
  /** How long a peer has for each read and write (tests shorten them). */
  deadlines?: StreamDeadlines
}

/** The owner's reads and writes on one stream, each under its deadline. */
export interface StreamIo {
  /** The next frame of a request's data. */
  read(): Promise<Uint8ArrayList>
  /** Frames of an answer, in one write. */
  write(...frames: Uint8Array[]): Promise<void>
}

/**
 * The owner's side of a leased protocol: each stream opens with a lease (acceptLease), then carries the
 * protocol's requests, each refused once the lease has expired, until the holder closes it or goes
 * silent for longer than its deadlines; the lease is released with the stream.
 */
export abstract class LeasedProxyServer<Request, Session> {
  private readonly streams = new Set<Stream>()

  protected constructor(
    protected readonly parts: LeasedServerParts,
    private readonly protocol: string,
    private readonly requests: z.ZodType<Request>,
    private readonly framing: { maxDataLength: number; maxBufferSize?: number },
  ) {}

  async start(): Promise<void> {
    await this.parts.libp2p.handle(
      this.protocol,
      (stream, connection) => void this.serve(stream, connection),
      {
        maxInboundStreams: 16,
        // Reachable through a relay when there is no direct path (the relay bounds the data it carries),
        // unless the owner's terms say otherwise (relayThroughPeers, checked with the lease).
        runOnLimitedConnection: true,
      },
    )
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.abort(new Error(`${this.protocol} stopped`))
    await Promise.resolve(this.parts.libp2p.unhandle(this.protocol)).catch(() => {})
  }

  /** What a stream holds for the lease it opened with. */
  protected abstract open(lease: LeaseTerms, peer: string): Session
  /** Answers one well-formed request. */
  protected abstract handle(io: StreamIo, session: Session, request: Request): Promise<void>

  private takeReceipt(receipt: SignedUsageReceipt, lease: LeaseTerms, openedAt: number): ProxyResponse {
    const { takeReceipt } = this.parts
    const refusal =
      takeReceipt == null ? 'this owner keeps no receipts' : takeReceipt(receipt, lease, openedAt)
    return refusal == null ? { ok: true } : { ok: false, code: 'bad-receipt', message: refusal }
  }

  private io(lp: LengthPrefixedStream<Stream>, deadlines: StreamDeadlines): StreamIo {
    return {
      read: () => withDeadline(deadlines.frameMs, 'a frame of data', (signal) => lp.read({ signal })),
      write: (...frames) => {
        const bytes = frames.reduce((sum, f) => sum + f.length, 0)
        const ms = deadlines.frameMs * Math.max(1, Math.ceil(bytes / MAX_FRAME_BYTES))
        return withDeadline(ms, 'taking up the answer', (signal) => lp.writeV(frames, { signal }))
      },
    }
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const deadlines = this.parts.deadlines ?? STREAM_DEADLINES
    const lp = lpStream(stream, this.framing)
    const io = this.io(lp, deadlines)
    this.streams.add(stream)
    let lease: LeaseTerms | null = null
    const refuse = async (code: string, message: string): Promise<void> => {
      await io.write(encodeJson({ ok: false, code, message }))
      await stream.close()
    }
    try {
      lease = await acceptLease(lp, connection, this.parts, deadlines)
      if (lease == null) return void (await stream.close())
      const session = this.open(lease, peer)
      const openedAt = (this.parts.now ?? Date.now)()
      for (;;) {
        const frame = await withDeadline(deadlines.idleMs, 'the next request', (signal) =>
          lp.read({ signal }),
        )
        const json = parseJson(frame.subarray())
        const receipt = ReceiptRequest.safeParse(json)
        if (receipt.success) {
          await io.write(encodeJson(this.takeReceipt(receipt.data.receipt, lease, openedAt)))
          continue
        }
        if (PingRequest.safeParse(json).success) {
          await io.write(encodeJson({ ok: true }))
          continue
        }
        const request = this.requests.safeParse(json)
        if (!request.success) return await refuse('malformed', `not a request of ${this.protocol}`)
        if ((this.parts.now ?? Date.now)() >= lease.endsAt)
          return await refuse('expired', 'the lease expired')
        await this.handle(io, session, request.data)
      }
    } catch (err) {
      // A holder closing its stream ends the read loop; a deadline passed ends the stream quietly (any
      // peer can cause one, so it is not worth a warning each); anything else is worth a line in the log.
      if (stream.status === 'open') {
        if (err instanceof DeadlineError) this.parts.log.debug({ peer, protocol: this.protocol }, err.message)
        else this.parts.log.warn({ err, peer, protocol: this.protocol }, 'proxy stream failed')
        stream.abort(err as Error)
      }
    } finally {
      this.streams.delete(stream)
      if (lease != null) this.parts.book.release(lease.leaseId)
    }
  }
}
