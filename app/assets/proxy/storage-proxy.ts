/**
 * `/hypermesh/proxy/storage/1.0.0`: shards stored on their owner's disk by lease, over STOQ. After the
 * lease (leased-stream.ts): put, get, challenge and delete by (file id, shard index). Each holder's shards
 * are kept apart (named by a hash of the holder and the file id), so no peer can overwrite another's. A
 * lease may store at most its amount, counted across all its streams (storage/leased-shards.ts), and its
 * shards are deleted when it ends; the shard store enforces the owner's quota and the space it keeps free
 * on every write.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { LeasedShards } from '../storage/leased-shards'
import { answerChallenge } from '../storage/sealed-file'
import { StorageRefusal } from '../storage/shard-store'
import {
  chunked,
  encodeJson,
  LeasedProxyServer,
  MAX_FRAME_BYTES,
  MAX_HEADER_BYTES,
  readChunked,
  skipChunked,
  type LeasedServerParts,
  type StreamIo,
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
  shards: LeasedShards
}

interface StorageSession {
  peer: string
  lease: LeaseTerms
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

  /**
   * A lease issued as the renewal of another takes over that one's shards when it is first presented
   * (so a renewal whose answer was lost on the way changes nothing), and the other is revoked.
   */
  protected open(lease: LeaseTerms, peer: string): StorageSession {
    const { book, shards, log } = this.parts
    const renewed = book.renewalOf(lease.leaseId)
    if (renewed != null)
      try {
        const bytes = shards.renew(renewed, lease)
        book.revoke(renewed)
        log.info({ peer, bytes: bytes.toString() }, 'a storage lease was renewed')
      } catch (err) {
        if (!(err instanceof StorageRefusal)) throw err
        log.info({ peer, err: err.message }, 'a storage lease renewal was refused')
      }
    return { peer, lease }
  }

  protected async handle(
    io: StreamIo,
    { peer, lease }: StorageSession,
    request: StorageRequest,
  ): Promise<void> {
    const { shards } = this.parts
    const key = shardKeyOf(peer, request.fileId)
    const refuse = (code: string, message: string) => io.write(encodeJson({ ok: false, code, message }))
    switch (request.type) {
      case 'put': {
        // Cheap first: a shard the lease has no room for is refused before anything is stored or even
        // held in memory; its data is read past, so that the stream goes on.
        if (!shards.fits(lease, request.length)) {
          await skipChunked(() => io.read(), request.length)
          return refuse(
            'over-lease',
            `the lease allows ${lease.amount} bytes; ${shards.storedBy(lease.leaseId)} are stored under it already`,
          )
        }
        const data = await readChunked(() => io.read(), request.length)
        await this.parts.caps?.download(data.length)
        try {
          shards.put(lease, key, request.index, data)
        } catch (err) {
          if (err instanceof StorageRefusal) return refuse(err.code, err.message)
          throw err
        }
        return io.write(encodeJson({ ok: true }))
      }
      case 'get': {
        const shard = shards.get(key, request.index)
        if (shard == null) return refuse('not-found', 'this node holds no such shard for you')
        await this.parts.caps?.upload(shard.length)
        return io.write(...chunked(encodeJson({ ok: true, length: shard.length }), shard))
      }
      case 'challenge': {
        const shard = shards.get(key, request.index)
        if (shard == null) return refuse('not-found', 'this node holds no such shard for you')
        const { block, path } = answerChallenge(shard, request.block)
        return io.write(
          encodeJson({ ok: true, path: path.map((p) => Buffer.from(p).toString('base64')) }),
          block,
        )
      }
      case 'delete':
        shards.delete(key, request.index)
        return io.write(encodeJson({ ok: true }))
    }
  }
}
