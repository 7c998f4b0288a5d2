/**
 * The holder's side of `/hypermesh/proxy/memory/1.0.0`: opens a stream with a lease, then reads and writes
 * the leased memory by address, one request at a time. A refusal arrives as a ProxyRefusal naming why.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import type { SignedLease } from '../leases/lease'
import { MAX_CHUNK_BYTES, MEMORY_PROXY_PROTOCOL, ProxyResponse } from './memory-proxy'

export class ProxyRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ProxyRefusal'
  }
}

const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

export class RemoteMemory {
  private busy: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly stream: Stream,
    private readonly lp: LengthPrefixedStream<Stream>,
    /** The leased size, in bytes. */
    readonly size: number,
  ) {}

  static async open(connection: Connection, lease: SignedLease, signal?: AbortSignal): Promise<RemoteMemory> {
    const stream = await connection.newStream(MEMORY_PROXY_PROTOCOL, {
      signal: signal ?? AbortSignal.timeout(10_000),
    })
    const lp = lpStream(stream, { maxDataLength: MAX_CHUNK_BYTES + 16 * 1024 })
    await lp.write(encodeJson({ type: 'open', lease }))
    const answer = await readResponse(lp)
    if (!answer.ok) {
      await stream.close().catch(() => {})
      throw new ProxyRefusal(answer.code, answer.message)
    }
    return new RemoteMemory(stream, lp, answer.size ?? 0)
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'read', offset, length }))
      const answer = await readResponse(this.lp)
      if (!answer.ok) throw new ProxyRefusal(answer.code, answer.message)
      const bytes = (await this.lp.read()).subarray()
      // A plain Uint8Array view of the bytes (the stream hands out Buffers), without copying.
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    })
  }

  write(offset: number, data: Uint8Array): Promise<void> {
    return this.serially(async () => {
      await this.lp.writeV([encodeJson({ type: 'write', offset, length: data.length }), data])
      const answer = await readResponse(this.lp)
      if (!answer.ok) throw new ProxyRefusal(answer.code, answer.message)
    })
  }

  async close(): Promise<void> {
    await this.busy.catch(() => {})
    await this.stream.close().catch(() => {})
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.catch(() => {}).then(fn)
    this.busy = next
    return next
  }
}

async function readResponse(lp: LengthPrefixedStream<Stream>): Promise<ProxyResponse> {
  const bytes = (await lp.read()).subarray()
  const parsed = ProxyResponse.safeParse(JSON.parse(new TextDecoder().decode(bytes)))
  if (!parsed.success)
    throw new ProxyRefusal('malformed', 'the owner answered with something that is not a proxy response')
  return parsed.data
}
