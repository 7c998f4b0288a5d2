/**
 * `/hypermesh/proxy/storage/1.0.0`: shards stored on their owner's disk by lease, over STOQ. After the
 * lease (leased-stream.ts): put, get, challenge and delete by (file id, shard index). Each holder's shards
 * are kept apart (named by a hash of the holder and the file id), so no peer can overwrite another's. A
 * stream may store at most its lease's amount; the shard store enforces the owner's quota and the space
 * it keeps free on every write.
 */
import { createHash } from 'node:crypto'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { z } from 'zod'
import { answerChallenge } from '../storage/sealed-file'
import type { ShardStore } from '../storage/shard-store'
import { StorageRefusal } from '../storage/shard-store'
import {
  acceptLease,
  encodeJson,
  MAX_FRAME_BYTES,
  MAX_HEADER_BYTES,
  parseHeader,
  readChunked,
  writeChunked,
  type LeasedAsset,
} from './leased-stream'

export const STORAGE_PROXY_PROTOCOL = '/hypermesh/proxy/storage/1.0.0'
/** The largest shard: a file sealed k of n may be up to k × this (striping larger files is not built). */
export const MAX_SHARD_BYTES = 12 * 1024 * 1024

const FileId = z.string().regex(/^[0-9a-f]{64}$/)
const Index = z.number().int().min(0).max(254)
export const StorageRequest = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('put'),
      fileId: FileId,
      index: Index,
      length: z.number().int().min(1).max(MAX_SHARD_BYTES),
    })
    .strict(),
  z.object({ type: z.literal('get'), fileId: FileId, index: Index }).strict(),
  z
    .object({ type: z.literal('challenge'), fileId: FileId, index: Index, block: z.number().int().min(0) })
    .strict(),
  z.object({ type: z.literal('delete'), fileId: FileId, index: Index }).strict(),
])
export type StorageRequest = z.infer<typeof StorageRequest>

/**
 * What a storage stream may buffer unread: a shard arrives as several frames, faster than they are read,
 * and libp2p's byte stream resets at 4 MiB by default. Bounded, so that no peer can make a holder buffer
 * more than this per stream.
 */
export const STORAGE_STREAM_BUFFER = MAX_SHARD_BYTES + 4 * MAX_FRAME_BYTES

export interface StorageProxyParts extends LeasedAsset {
  libp2p: Libp2p
  store: ShardStore
}

/** Where a holder's shard of a file lives in the owner's store. */
export const shardKeyOf = (holder: string, fileId: string): string =>
  createHash('sha256').update(`hypermesh/shard-key/v1\0${holder}\0${fileId}`).digest('hex')

export class StorageProxyServer {
  private readonly streams = new Set<Stream>()

  constructor(private readonly parts: StorageProxyParts) {}

  async start(): Promise<void> {
    await this.parts.libp2p.handle(
      STORAGE_PROXY_PROTOCOL,
      (stream, connection) => void this.serve(stream, connection),
      {
        maxInboundStreams: 16,
        // Reachable through a relay when there is no direct path (the relay bounds the data it carries).
        runOnLimitedConnection: true,
      },
    )
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.abort(new Error('the storage proxy stopped'))
    await Promise.resolve(this.parts.libp2p.unhandle(STORAGE_PROXY_PROTOCOL)).catch(() => {})
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const lp = lpStream(stream, {
      maxDataLength: MAX_FRAME_BYTES + MAX_HEADER_BYTES,
      maxBufferSize: STORAGE_STREAM_BUFFER,
    })
    this.streams.add(stream)
    let nonce: string | null = null
    try {
      const lease = await acceptLease(lp, peer, this.parts)
      if (lease == null) return void (await stream.close())
      nonce = lease.nonce
      const session = { peer, allowed: BigInt(lease.amount), stored: 0n }
      for (;;) {
        const request = parseHeader((await lp.read()).subarray(), StorageRequest)
        if (request == null) {
          await lp.write(
            encodeJson({ ok: false, code: 'malformed', message: 'expected put, get, challenge or delete' }),
          )
          return void (await stream.close())
        }
        await this.handle(lp, session, request)
      }
    } catch (err) {
      // A holder closing its stream ends the read loop; anything else is worth a line in the log.
      if (stream.status === 'open') {
        this.parts.log.warn({ err, peer }, 'storage proxy stream failed')
        stream.abort(err as Error)
      }
    } finally {
      this.streams.delete(stream)
      if (nonce != null) this.parts.book.release(nonce)
    }
  }

  private async handle(
    lp: LengthPrefixedStream<Stream>,
    session: { peer: string; allowed: bigint; stored: bigint },
    request: StorageRequest,
  ): Promise<void> {
    const { store } = this.parts
    const key = shardKeyOf(session.peer, request.fileId)
    const refuse = (code: string, message: string) => lp.write(encodeJson({ ok: false, code, message }))
    switch (request.type) {
      case 'put': {
        const data = await readChunked(lp, request.length)
        await this.parts.caps?.download(data.length)
        if (session.stored + BigInt(data.length) > session.allowed)
          return refuse(
            'over-lease',
            `the lease allows ${session.allowed} bytes; ${session.stored} are stored already`,
          )
        try {
          store.put(key, request.index, data)
        } catch (err) {
          if (err instanceof StorageRefusal) return refuse(err.code, err.message)
          throw err
        }
        session.stored += BigInt(data.length)
        return lp.write(encodeJson({ ok: true }))
      }
      case 'get': {
        const shard = store.get(key, request.index)
        if (shard == null) return refuse('not-found', 'this node holds no such shard for you')
        await this.parts.caps?.upload(shard.length)
        return writeChunked(lp, encodeJson({ ok: true, length: shard.length }), shard)
      }
      case 'challenge': {
        const shard = store.get(key, request.index)
        if (shard == null) return refuse('not-found', 'this node holds no such shard for you')
        const { block, path } = answerChallenge(shard, request.block)
        return lp.writeV([
          encodeJson({ ok: true, path: path.map((p) => Buffer.from(p).toString('base64')) }),
          block,
        ])
      }
      case 'delete':
        store.delete(key, request.index)
        return lp.write(encodeJson({ ok: true }))
    }
  }
}
