/**
 * `/hypermesh/proxy/memory/1.0.0`: paged remote memory served by its owner, over STOQ. A stream opens with
 * a lease (lease.ts), checked against the privacy level for the authenticated peer and against the lease
 * book; then reads and writes by address, each bounds-checked against the leased size. Closing the stream
 * releases the lease and the memory.
 *
 * Frames are length-prefixed: a JSON header, and for a write (request) or a read (response) the bytes
 * right after it.
 */
import { z } from 'zod'
import type { LeaseTerms } from '../../consensus'
import {
  encodeJson,
  LeasedProxyServer,
  MAX_HEADER_BYTES,
  type LeasedServerParts,
  type StreamIo,
} from './leased-stream'
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

export type MemoryProxyParts = LeasedServerParts

export class MemoryProxyServer extends LeasedProxyServer<MemoryRequest, PagedMemory> {
  constructor(parts: MemoryProxyParts) {
    super(parts, MEMORY_PROXY_PROTOCOL, MemoryRequest, { maxDataLength: MAX_CHUNK_BYTES + MAX_HEADER_BYTES })
  }

  /** The leased address space, allocated page by page as it is written. */
  protected open(lease: LeaseTerms): PagedMemory {
    return new PagedMemory(Number(lease.amount))
  }

  protected async handle(io: StreamIo, memory: PagedMemory, request: MemoryRequest): Promise<void> {
    try {
      if (request.type === 'read') {
        const bytes = memory.read(request.offset, request.length)
        await this.parts.caps?.upload(bytes.length)
        await io.write(encodeJson({ ok: true }), bytes)
      } else {
        const data = (await io.read()).subarray()
        if (data.length !== request.length)
          throw new MemoryBoundsError(`expected ${request.length} bytes, got ${data.length}`)
        await this.parts.caps?.download(data.length)
        memory.write(request.offset, data)
        await io.write(encodeJson({ ok: true }))
      }
    } catch (err) {
      if (!(err instanceof MemoryBoundsError)) throw err
      await io.write(encodeJson({ ok: false, code: 'out-of-bounds', message: err.message }))
    }
  }
}
