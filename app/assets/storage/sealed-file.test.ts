import { randomBytes } from 'node:crypto'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { describe, expect, it } from 'vitest'
import {
  answerChallenge,
  BLOCK_BYTES,
  FileManifest,
  openFile,
  sealFile,
  SealedFileError,
  storageKemKeys,
  verifyChallenge,
} from './sealed-file'

const owner = storageKemKeys(falcon1024.keygen(new Uint8Array(48).fill(41)).secretKey)
const other = storageKemKeys(falcon1024.keygen(new Uint8Array(48).fill(42)).secretKey)
const data = new Uint8Array(randomBytes(300_000))

/** Every way to keep `keep` of `n` slots. */
function* subsets(n: number, keep: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === keep) yield chosen
  else for (let i = from; i < n; i++) yield* subsets(n, keep, i + 1, [...chosen, i])
}

describe('sealed files: encrypted, ML-KEM-wrapped for the owner, sharded k of n', () => {
  const { manifest, shards } = sealFile(data, owner.publicKey, { k: 3, n: 5 })

  it('come back whole with any n − k holders missing', () => {
    for (const keep of subsets(5, 3)) {
      const some = shards.map((s, i) => (keep.includes(i) ? s : null))
      const opened = openFile(manifest, some, owner.secretKey)
      expect(opened.data).toEqual(data)
      expect(opened.tampered).toEqual([])
    }
  })

  it('hold no plaintext in any shard', () => {
    const probe = Buffer.from(data.subarray(1000, 1032))
    for (const shard of shards) expect(Buffer.from(shard).includes(probe)).toBe(false)
  })

  it('detect a tampered shard and leave it out; with too few good ones left, refuse', () => {
    const altered = shards.map((s) => s.slice())
    altered[1]![5000]! ^= 0x01
    const opened = openFile(manifest, altered, owner.secretKey)
    expect(opened.tampered).toEqual([1])
    expect(opened.data).toEqual(data)
    altered[2]![0]! ^= 0x80
    altered[4] = altered[4]!.subarray(0, 100)
    expect(() => openFile(manifest, altered, owner.secretKey)).toThrow(SealedFileError)
  })

  it('open only with the owner’s key', () => {
    expect(() => openFile(manifest, shards, other.secretKey)).toThrow(/not the owner’s key/)
  })

  it('refuse a manifest that does not parse', () => {
    expect(FileManifest.safeParse({ ...manifest, shardRoots: manifest.shardRoots.slice(1) }).success).toBe(
      false,
    )
    expect(FileManifest.safeParse({ ...manifest, extra: 1 }).success).toBe(false)
  })
})

describe('storage challenges', () => {
  const { manifest, shards } = sealFile(data, owner.publicKey, { k: 3, n: 5 })
  const blocks = Math.ceil(manifest.shardSize / BLOCK_BYTES)

  it('a holder of the shard answers for any block', () => {
    for (const index of [0, 7, blocks - 1])
      expect(verifyChallenge(manifest, 2, index, answerChallenge(shards[2]!, index))).toBe(true)
  })

  it('a holder that dropped or altered its shard, or answers for another block or shard, fails', () => {
    const altered = shards[2]!.slice()
    altered[7 * BLOCK_BYTES + 3]! ^= 0xff
    expect(verifyChallenge(manifest, 2, 7, answerChallenge(altered, 7))).toBe(false)
    expect(verifyChallenge(manifest, 2, 7, answerChallenge(shards[2]!, 6))).toBe(false)
    expect(verifyChallenge(manifest, 2, 7, answerChallenge(shards[3]!, 7))).toBe(false)
    expect(verifyChallenge(manifest, 2, 7, { block: new Uint8Array(0), path: [] })).toBe(false)
    expect(verifyChallenge(manifest, 2, blocks, answerChallenge(shards[2]!, blocks - 1))).toBe(false)
  })
})
