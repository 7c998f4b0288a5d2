/**
 * `/hypermesh/proxy/memory/1.0.0`: paged remote memory served by its owner, over STOQ. A stream opens with
 * a lease (lease.ts), checked against the privacy level for the authenticated peer and against the lease
 * book; then reads and writes by address, each bounds-checked against the leased size. Closing the stream
 * releases the lease and the memory.
 *
 * Frames are length-prefixed: a JSON header, and for a write (request) or a read (response) the bytes
 * right after it.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { z } from 'zod'
import type { LeaseTerms } from '../leases/lease'
import { acceptLease, encodeJson, MAX_HEADER_BYTES, parseHeader, type LeasedAsset } from './leased-stream'
import { MemoryBoundsError, PagedMemory } from './paged-memory'

export const MEMORY_PROXY_PROTOCOL = '/hypermesh/proxy/memory/1.0.0'
/** The most one read or write moves. */
export const MAX_CHUNK_BYTES = 1024 * 1024

export const MemoryRequest = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('read'),
      offset: z.number().int().min(0),
      length: z.number().int().min(1).max(MAX_CHUNK_BYTES),
    })
    .strict(),
  z
    .object({
      type: z.literal('write'),
      offset: z.number().int().min(0),
      length: z.number().int().min(1).max(MAX_CHUNK_BYTES),
    })
    .strict(),
])
export type MemoryRequest = z.infer<typeof MemoryRequest>

export interface MemoryProxyParts extends LeasedAsset {
  libp2p: Libp2p
  now?: () => number
}

export class MemoryProxyServer {
  private readonly streams = new Set<Stream>()

  constructor(private readonly parts: MemoryProxyParts) {}

  async start(): Promise<void> {
    await this.parts.libp2p.handle(
      MEMORY_PROXY_PROTOCOL,
      (stream, connection) => void this.serve(stream, connection),
      {
        maxInboundStreams: 16,
        // Reachable through a relay when there is no direct path (the relay bounds the data it carries).
        runOnLimitedConnection: true,
      },
    )
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.abort(new Error('the memory proxy stopped'))
    await Promise.resolve(this.parts.libp2p.unhandle(MEMORY_PROXY_PROTOCOL)).catch(() => {})
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const lp = lpStream(stream, { maxDataLength: MAX_CHUNK_BYTES + MAX_HEADER_BYTES })
    this.streams.add(stream)
    let lease: LeaseTerms | null = null
    try {
      const opened = await acceptLease(lp, peer, this.parts)
      if (opened == null) return void (await stream.close())
      lease = opened
      const memory = new PagedMemory(Number(lease.amount))
      for (;;) {
        const request = parseHeader((await lp.read()).subarray(), MemoryRequest)
        if (request == null) return await this.fail(lp, stream, 'malformed', 'expected a read or a write')
        if ((this.parts.now ?? Date.now)() >= lease.expiresAt)
          return await this.fail(lp, stream, 'expired', 'the lease expired')
        await this.handle(lp, memory, request)
      }
    } catch (err) {
      // A holder closing its stream ends the read loop; anything else is worth a line in the log.
      if (stream.status === 'open') {
        this.parts.log.warn({ err, peer }, 'memory proxy stream failed')
        stream.abort(err as Error)
      }
    } finally {
      this.streams.delete(stream)
      if (lease != null) this.parts.book.release(lease.nonce)
    }
  }

  private async handle(
    lp: LengthPrefixedStream<Stream>,
    memory: PagedMemory,
    request: MemoryRequest,
  ): Promise<void> {
    try {
      if (request.type === 'read') {
        const bytes = memory.read(request.offset, request.length)
        await this.parts.caps?.upload(bytes.length)
        await lp.writeV([encodeJson({ ok: true }), bytes])
      } else {
        const data = (await lp.read()).subarray()
        if (data.length !== request.length)
          throw new MemoryBoundsError(`expected ${request.length} bytes, got ${data.length}`)
        await this.parts.caps?.download(data.length)
        memory.write(request.offset, data)
        await lp.write(encodeJson({ ok: true }))
      }
    } catch (err) {
      if (!(err instanceof MemoryBoundsError)) throw err
      await lp.write(encodeJson({ ok: false, code: 'out-of-bounds', message: err.message }))
    }
  }

  private async fail(
    lp: LengthPrefixedStream<Stream>,
    stream: Stream,
    code: string,
    message: string,
  ): Promise<void> {
    await lp.write(encodeJson({ ok: false, code, message }))
    await stream.close()
  }
}
