/**
 * The holder's side of `/hypermesh/proxy/memory/1.0.0`: opens a stream with a lease, then reads and writes
 * the leased memory by address, one request at a time. A refusal arrives as a ProxyRefusal naming why.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import type { SignedLease } from '../../consensus'
import { encodeJson, LeasedClient, readAnswer } from './leased-stream'
import { MAX_CHUNK_BYTES, MEMORY_PROXY_PROTOCOL } from './memory-proxy'

export { ProxyRefusal } from './leased-stream'

export class RemoteMemory extends LeasedClient {
  private constructor(
    stream: Stream,
    lp: LengthPrefixedStream<Stream>,
    /** The leased size, in bytes. */
    readonly size: number,
    keepAliveMs?: number,
  ) {
    super(stream, lp, keepAliveMs)
  }

  /** `keepAliveMs`: how long the stream may go without a request before a keep-alive is sent. */
  static async open(
    connection: Connection,
    lease: SignedLease,
    options: { signal?: AbortSignal; keepAliveMs?: number } = {},
  ): Promise<RemoteMemory> {
    const stream = await connection.newStream(MEMORY_PROXY_PROTOCOL, {
      signal: options.signal ?? AbortSignal.timeout(10_000),
      runOnLimitedConnection: true,
    })
    const lp = lpStream(stream, { maxDataLength: MAX_CHUNK_BYTES + 16 * 1024 })
    await lp.write(encodeJson({ type: 'open', lease }))
    try {
      const answer = await readAnswer(lp)
      return new RemoteMemory(stream, lp, answer.size ?? 0, options.keepAliveMs)
    } catch (err) {
      await stream.close().catch(() => {})
      throw err
    }
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'read', offset, length }))
      await readAnswer(this.lp)
      const bytes = (await this.lp.read()).subarray()
      // A plain Uint8Array view of the bytes (the stream hands out Buffers), without copying.
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    })
  }

  write(offset: number, data: Uint8Array): Promise<void> {
    return this.serially(async () => {
      await this.lp.writeV([encodeJson({ type: 'write', offset, length: data.length }), data])
      await readAnswer(this.lp)
    })
  }
}
