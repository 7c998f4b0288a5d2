/**
 * The uploader's side of sharded storage: a leased stream to each holder (`/hypermesh/proxy/storage/1.0.0`),
 * and putting a file sealed k of n across n holders, getting it back from whichever answer, and
 * challenging a holder for a random block of its shard.
 */
import { randomInt } from 'node:crypto'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import type { SignedLease } from '../../consensus'
import {
  BLOCK_BYTES,
  openFile,
  sealFile,
  verifyChallenge,
  type ChallengeAnswer,
  type FileManifest,
} from '../storage/sealed-file'
import {
  encodeJson,
  LeasedClient,
  MAX_FRAME_BYTES,
  MAX_HEADER_BYTES,
  ProxyRefusal,
  readAnswer,
  readChunked,
  writeChunked,
} from './leased-stream'
import { MAX_SHARD_BYTES, STORAGE_PROXY_PROTOCOL, STORAGE_STREAM_BUFFER } from './storage-proxy'

const view = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export class RemoteStorage extends LeasedClient {
  private constructor(stream: Stream, lp: LengthPrefixedStream<Stream>) {
    super(stream, lp)
  }

  static async open(connection: Connection, lease: SignedLease): Promise<RemoteStorage> {
    const stream = await connection.newStream(STORAGE_PROXY_PROTOCOL, {
      signal: AbortSignal.timeout(10_000),
      runOnLimitedConnection: true,
    })
    const lp = lpStream(stream, {
      maxDataLength: MAX_FRAME_BYTES + MAX_HEADER_BYTES,
      maxBufferSize: STORAGE_STREAM_BUFFER,
    })
    await lp.write(encodeJson({ type: 'open', lease }))
    try {
      await readAnswer(lp)
      return new RemoteStorage(stream, lp)
    } catch (err) {
      await stream.close().catch(() => {})
      throw err
    }
  }

  put(fileId: string, index: number, shard: Uint8Array): Promise<void> {
    return this.serially(async () => {
      await writeChunked(this.lp, encodeJson({ type: 'put', fileId, index, length: shard.length }), shard)
      await readAnswer(this.lp)
    })
  }

  get(fileId: string, index: number): Promise<Uint8Array> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'get', fileId, index }))
      const answer = await readAnswer(this.lp)
      const length = Number(answer.length)
      if (!Number.isSafeInteger(length) || length < 1 || length > MAX_SHARD_BYTES)
        throw new ProxyRefusal('malformed', 'the holder did not say how long the shard is')
      return readChunked(() => this.lp.read(), length)
    })
  }

  delete(fileId: string, index: number): Promise<void> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'delete', fileId, index }))
      await readAnswer(this.lp)
    })
  }

  challenge(fileId: string, index: number, block: number): Promise<ChallengeAnswer> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'challenge', fileId, index, block }))
      const answer = await readAnswer(this.lp)
      const path = Array.isArray(answer.path)
        ? answer.path.map((p) => new Uint8Array(Buffer.from(String(p), 'base64')))
        : []
      return { block: view((await this.lp.read()).subarray()), path }
    })
  }
}

/** Seals `data` for the owner and puts shard i on holder i; any k of the n holders give it back. */
export async function putSharded(
  data: Uint8Array,
  holders: readonly RemoteStorage[],
  ownerKemPublicKey: Uint8Array,
  k: number,
): Promise<FileManifest> {
  const { manifest, shards } = sealFile(data, ownerKemPublicKey, { k, n: holders.length })
  await Promise.all(holders.map((holder, i) => holder.put(manifest.fileId, i, shards[i]!)))
  return manifest
}

/** Gets a sealed file back from the holders that answer (null: not reachable); tampered shards are left out. */
export async function getSharded(
  manifest: FileManifest,
  holders: readonly (RemoteStorage | null)[],
  ownerKemSecretKey: Uint8Array,
): Promise<{ data: Uint8Array; tampered: number[]; missing: number[] }> {
  const missing: number[] = []
  const shards = await Promise.all(
    holders.map(async (holder, i) => {
      try {
        if (holder == null) throw new ProxyRefusal('unreachable', 'no connection')
        return await holder.get(manifest.fileId, i)
      } catch {
        missing.push(i)
        return null
      }
    }),
  )
  const { data, tampered } = openFile(manifest, shards, ownerKemSecretKey)
  return { data, tampered, missing: missing.sort((a, b) => a - b) }
}

/** Asks holder `index` for a random block of its shard; true only for an answer that proves it holds it. */
export async function challengeHolder(
  manifest: FileManifest,
  holder: RemoteStorage,
  index: number,
): Promise<boolean> {
  const block = randomInt(Math.max(1, Math.ceil(manifest.shardSize / BLOCK_BYTES)))
  try {
    return verifyChallenge(manifest, index, block, await holder.challenge(manifest.fileId, index, block))
  } catch (err) {
    if (err instanceof ProxyRefusal) return false
    throw err
  }
}

/** A file of any size: sealed and sharded in segments, each at most k × SEGMENT_SHARD_BYTES of it. */
export interface ShardedFile {
  v: 1
  size: number
  segments: FileManifest[]
}

/** The most of a file one segment's shard carries (below MAX_SHARD_BYTES, which bounds one shard). */
export const SEGMENT_SHARD_BYTES = 8 * 1024 * 1024

/** Puts a file of any size k of n across the holders, one sealed segment after another. */
export async function putFile(
  data: Uint8Array,
  holders: readonly RemoteStorage[],
  ownerKemPublicKey: Uint8Array,
  k: number,
): Promise<ShardedFile> {
  const segmentBytes = k * SEGMENT_SHARD_BYTES
  const segments: FileManifest[] = []
  for (let at = 0; at === 0 || at < data.length; at += segmentBytes)
    segments.push(await putSharded(data.subarray(at, at + segmentBytes), holders, ownerKemPublicKey, k))
  return { v: 1, size: data.length, segments }
}

/** Gets a file put by putFile back, segment by segment, from the holders that answer. */
export async function getFile(
  file: ShardedFile,
  holders: readonly (RemoteStorage | null)[],
  ownerKemSecretKey: Uint8Array,
): Promise<{ data: Uint8Array; tampered: number[]; missing: number[] }> {
  const out = new Uint8Array(file.size)
  const tampered = new Set<number>()
  const missing = new Set<number>()
  let at = 0
  for (const manifest of file.segments) {
    const part = await getSharded(manifest, holders, ownerKemSecretKey)
    if (at + part.data.length > file.size)
      throw new ProxyRefusal('malformed', 'the segments are longer than the file')
    out.set(part.data, at)
    at += part.data.length
    part.tampered.forEach((i) => tampered.add(i))
    part.missing.forEach((i) => missing.add(i))
  }
  if (at !== file.size) throw new ProxyRefusal('malformed', 'the segments are shorter than the file')
  return {
    data: out,
    tampered: [...tampered].sort((a, b) => a - b),
    missing: [...missing].sort((a, b) => a - b),
  }
}
