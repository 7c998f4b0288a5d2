/**
 * `/hypermesh/proxy/storage/1.0.0`: shards stored on their owner's disk by lease, over STOQ. After the
 * lease (leased-stream.ts): put, get, challenge and delete by (file id, shard index). Each holder's shards
 * are kept apart (named by a hash of the holder and the file id), so no peer can overwrite another's. A
 * stream may store at most its lease's amount; the shard store enforces the owner's quota and the space
 * it keeps free on every write.
 */
import { createHash } from 'node:crypto'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { z } from 'zod'
import { answerChallenge } from '../storage/sealed-file'
import type { ShardStore } from '../storage/shard-store'
import { StorageRefusal } from '../storage/shard-store'
import {
  encodeJson,
  LeasedProxyServer,
  MAX_FRAME_BYTES,
  MAX_HEADER_BYTES,
  readChunked,
  writeChunked,
  type LeasedServerParts,
} from './leased-stream'
import { HashText, type LeaseTerms } from '../../consensus'

export const STORAGE_PROXY_PROTOCOL = '/hypermesh/proxy/storage/1.0.0'
/** The largest shard: a file sealed k of n may be up to k × this (striping larger files is not built). */
export const MAX_SHARD_BYTES = 12 * 1024 * 1024

const FileId = HashText
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

export interface StorageProxyParts extends LeasedServerParts {
  store: ShardStore
}

interface StorageSession {
  peer: string
  allowed: bigint
  stored: bigint
}

/** Where a holder's shard of a file lives in the owner's store. */
export const shardKeyOf = (holder: string, fileId: string): string =>
  createHash('sha256').update(`hypermesh/shard-key/v1\0${holder}\0${fileId}`).digest('hex')

export class StorageProxyServer extends LeasedProxyServer<StorageRequest, StorageSession> {
  constructor(protected override readonly parts: StorageProxyParts) {
    super(parts, STORAGE_PROXY_PROTOCOL, StorageRequest, {
      maxDataLength: MAX_FRAME_BYTES + MAX_HEADER_BYTES,
      maxBufferSize: STORAGE_STREAM_BUFFER,
    })
  }

  /** A stream may store at most its lease's amount. */
  protected open(lease: LeaseTerms, peer: string): StorageSession {
    return { peer, allowed: BigInt(lease.amount), stored: 0n }
  }

  protected async handle(
    lp: LengthPrefixedStream<Stream>,
    session: StorageSession,
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
