/**
 * Shards come back from holders, and manifests from disk: generated inputs. A shard with any one bit
 * flipped is found and left out (the file still comes back from the others); a challenge answer with any
 * one bit flipped fails; a manifest of any JSON parses or is refused without throwing, and opening any
 * well-formed manifest with any shards gives the file or a SealedFileError; shard names are checked.
 */
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js'
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anyJson, decodedOrRefused, flipBit, mutatedObject } from '../../../test/support/decoding'
import {
  answerChallenge,
  FileManifest,
  openFile,
  sealFile,
  SealedFileError,
  verifyChallenge,
} from './sealed-file'
import { ShardStore, StorageRefusal } from './shard-store'

let keys: { publicKey: Uint8Array; secretKey: Uint8Array }
let dir: string
beforeAll(() => {
  keys = ml_kem1024.keygen()
  dir = mkdtempSync(join(tmpdir(), 'hm-shard-props-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const shape = fc
  .integer({ min: 1, max: 4 })
  .chain((k) => fc.record({ k: fc.constant(k), n: fc.integer({ min: k + 1, max: k + 3 }) }))
const sealed = fc
  .record({ data: fc.uint8Array({ minLength: 1, maxLength: 10_000 }), shape })
  .map(({ data, shape }) => ({ data, ...sealFile(data, keys.publicKey, shape) }))

describe('shards and manifests from generated input', () => {
  it('a shard with any one bit flipped is found and left out, and the file comes back from the rest', () => {
    fc.assert(
      fc.property(sealed, fc.nat(), fc.nat(), ({ data, manifest, shards }, which, at) => {
        const i = which % shards.length
        const shard = shards[i]!
        const tampered = shards.map((s, j) => (j === i ? flipBit(shard, at % (shard.length * 8)) : s))
        const opened = openFile(manifest, tampered, keys.secretKey)
        expect(opened.tampered).toEqual([i])
        expect(opened.data).toEqual(data)
      }),
      { numRuns: 100 },
    )
  })

  it('a challenge answer with any one bit of its block or path flipped fails', () => {
    fc.assert(
      fc.property(sealed, fc.nat(), fc.nat(), fc.nat(), ({ manifest, shards }, which, block, at) => {
        const i = which % shards.length
        const blocks = Math.max(1, Math.ceil(manifest.shardSize / 4096))
        const index = block % blocks
        const answer = answerChallenge(shards[i]!, index)
        expect(verifyChallenge(manifest, i, index, answer)).toBe(true)
        const parts = [answer.block, ...answer.path]
        const bits = parts.reduce((sum, p) => sum + p.length * 8, 0)
        let bit = at % bits
        const part = parts.findIndex((p) => (bit < p.length * 8 ? true : ((bit -= p.length * 8), false)))
        const flipped = parts.map((p, j) => (j === part ? flipBit(p, bit) : p))
        expect(verifyChallenge(manifest, i, index, { block: flipped[0]!, path: flipped.slice(1) })).toBe(
          false,
        )
      }),
      { numRuns: 100 },
    )
  })

  it('a manifest of any JSON parses or is refused, and any well-formed one opens or is refused', () => {
    const { manifest, shards } = sealFile(new Uint8Array(5000).fill(7), keys.publicKey, { k: 2, n: 3 })
    const manifests = fc.oneof(
      anyJson(),
      mutatedObject(manifest as unknown as Record<string, unknown>),
      fc
        .record({
          k: fc.integer({ min: 1, max: 300 }),
          extra: fc.integer({ min: 1, max: 300 }),
          shardSize: fc.integer({ min: 1, max: 2 ** 20 }),
        })
        .map(({ k, extra, shardSize }) => ({
          ...manifest,
          k,
          n: k + extra,
          shardSize,
          shardRoots: Array(k + extra).fill(manifest.shardRoots[0]),
        })),
    )
    fc.assert(
      fc.property(
        manifests,
        fc.array(fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: null }), { maxLength: 6 }),
        (json, given) => {
          const parsed = FileManifest.safeParse(json)
          if (!parsed.success) return
          const slots = parsed.data.n <= 6 ? [...given, ...shards].slice(0, parsed.data.n) : given
          decodedOrRefused(() => openFile(parsed.data, slots, keys.secretKey), SealedFileError)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a shard is stored only under a 64-hex file id and an index 0–999; any other name finds nothing', () => {
    const store = new ShardStore(join(dir, 'names'), () => ({ quotaBytes: 1 << 20, keepFreeBytes: 0 }))
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 70 }), fc.constant('ab'.repeat(32))),
        fc.integer({ min: -5, max: 1200 }),
        (fileId, index) => {
          const wellNamed = /^[0-9a-f]{64}$/.test(fileId) && index >= 0 && index <= 999
          const put = decodedOrRefused(() => store.put(fileId, index, Uint8Array.of(1, 2, 3)), StorageRefusal)
          expect(put.ok).toBe(wellNamed)
          if (wellNamed) {
            expect(store.get(fileId, index)).toEqual(Uint8Array.of(1, 2, 3))
            store.delete(fileId, index)
          } else expect(store.get(fileId, index)).toBeNull()
        },
      ),
      { numRuns: 300 },
    )
    expect(store.usedBytes).toBe(0)
  })
})
