/**
 * Proxy frames come from any peer that opens a leased stream, asks for a listing or asks for a lease:
 * generated inputs. A
 * frame's header is parsed to a request of its protocol or to nothing, never thrown on; an owner's answer
 * is a response or a ProxyRefusal; chunked data is read back whole or refused; valid headers round-trip.
 */
import { lpStream, streamPair } from '@libp2p/utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { anyJsonInput, decodedOrRefused, mutatedObject } from '../../../test/support/decoding'
import { LeaseAsk } from '../../../shared/sharing-schemas'
import { LeaseProofs } from '../leases/lease-proofs'
import { ProveRequest } from '../leases/lease-requests'
import { AssetListing } from './asset-listing'
import { ComputeRequest } from './compute-proxy'
import {
  encodeJson,
  MAX_HEADER_BYTES,
  OpenRequest,
  parseAnswer,
  parseHeader,
  ProxyRefusal,
  ProxyResponse,
  readChunked,
  ReceiptRequest,
  writeChunked,
} from './leased-stream'
import { MemoryRequest } from './memory-proxy'
import { StorageRequest } from './storage-proxy'

const SCHEMAS: [string, z.ZodType<unknown>][] = [
  ['open', OpenRequest],
  ['receipt', ReceiptRequest],
  ['memory', MemoryRequest],
  ['storage', StorageRequest],
  ['compute', ComputeRequest],
  ['response', ProxyResponse],
  ['listing', AssetListing],
  // The lease request protocol's frames: the holder's ask, the owner's challenge, the holder's proofs.
  ['lease ask', LeaseAsk],
  ['prove request', ProveRequest],
  ['lease proofs', LeaseProofs],
]

const FILE_ID = 'ab'.repeat(32)
const validRequest = fc.oneof(
  fc.record({ type: fc.constant('read'), offset: fc.nat(), length: fc.integer({ min: 1, max: 1 << 20 }) }),
  fc.record({ type: fc.constant('write'), offset: fc.nat(), length: fc.integer({ min: 1, max: 1 << 20 }) }),
  fc.record({ type: fc.constant('get'), fileId: fc.constant(FILE_ID), index: fc.nat(254) }),
  fc.record({ type: fc.constant('delete'), fileId: fc.constant(FILE_ID), index: fc.nat(254) }),
  fc.record({
    type: fc.constant('challenge'),
    fileId: fc.constant(FILE_ID),
    index: fc.nat(254),
    block: fc.nat(),
  }),
  fc.record({
    type: fc.constant('put'),
    fileId: fc.constant(FILE_ID),
    index: fc.nat(254),
    length: fc.integer({ min: 1, max: 12 << 20 }),
  }),
)

describe('proxy frames from generated input', () => {
  it('a header of any bytes parses to a request of its protocol or to nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJsonInput(),
          validRequest.chain((r) => mutatedObject(r)).map((v) => encodeJson(v)),
          fc.uint8Array({ minLength: MAX_HEADER_BYTES, maxLength: MAX_HEADER_BYTES + 8 }),
        ),
        (bytes) => {
          for (const [, schema] of SCHEMAS) {
            const parsed = parseHeader(bytes, schema)
            if (parsed != null) expect(schema.safeParse(parsed).success).toBe(true)
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('valid requests round-trip, and oversized headers are refused unread', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        const memory = request.type === 'read' || request.type === 'write'
        const parsed = memory
          ? parseHeader(encodeJson(request), MemoryRequest)
          : parseHeader(encodeJson(request), StorageRequest)
        expect(parsed).toEqual(request)
      }),
      { numRuns: 300 },
    )
    const padded = encodeJson({ type: 'get', fileId: FILE_ID, index: 0, pad: ' '.repeat(MAX_HEADER_BYTES) })
    expect(parseHeader(padded, StorageRequest)).toBeNull()
  })

  it('an owner’s answer of any bytes is a response or a ProxyRefusal', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJsonInput(),
          fc
            .record({ ok: fc.boolean(), code: fc.string(), message: fc.string(), size: fc.integer() })
            .map(encodeJson),
        ),
        (bytes) => {
          decodedOrRefused(() => parseAnswer(bytes), ProxyRefusal)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('chunked data is read back whole, or refused when its frames would pass the length', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4096 }),
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (length, frames, honest) => {
          const [outbound, inbound] = await streamPair()
          const writer = lpStream(outbound)
          const reader = lpStream(inbound)
          const sent = new Uint8Array(length).map((_, i) => i & 0xff)
          if (honest) await writeChunked(writer, new Uint8Array(0), sent)
          else for (const frame of frames) await writer.write(frame)
          // The writer is done: frames that stop short of the length end in the stream's end.
          await outbound.close()
          if (honest) await reader.read() // the header frame
          const total = frames.reduce((sum, f) => sum + f.length, 0)
          const result = await readChunked(() => reader.read(), length).then(
            (bytes) => ({ ok: true as const, bytes }),
            (err: Error) => {
              if (!(err instanceof ProxyRefusal)) expect(err.name).toBe('UnexpectedEOFError')
              return { ok: false as const }
            },
          )
          if (honest) expect(result).toEqual({ ok: true, bytes: sent })
          else if (result.ok) {
            expect(result.bytes).toHaveLength(length)
            expect(total).toBeGreaterThanOrEqual(length)
          }
          inbound.abort(new Error('done'))
        },
      ),
      { numRuns: 80 },
    )
  })
})
