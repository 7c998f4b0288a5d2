import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ShardStore, StorageRefusal, type StorageLimits } from './shard-store'

const ID = 'a'.repeat(64)
const KiB = 1024
const codeOf = (fn: () => unknown): string | null => {
  try {
    fn()
    return null
  } catch (err) {
    if (err instanceof StorageRefusal) return err.code
    throw err
  }
}

describe('the shard store enforces the storage quota and the space kept free', () => {
  it('refuses a shard beyond the quota, writing nothing; a live change of quota takes effect at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-shards-'))
    let limits: StorageLimits = { quotaBytes: 100 * KiB, keepFreeBytes: 0 }
    const store = new ShardStore(dir, () => limits)
    store.put(ID, 0, new Uint8Array(60 * KiB))
    expect(codeOf(() => store.put(ID, 1, new Uint8Array(60 * KiB)))).toBe('over-quota')
    expect(readdirSync(dir)).toEqual([`${ID}.0`])
    expect(store.usedBytes).toBe(60 * KiB)
    // Replacing a shard counts only the difference.
    store.put(ID, 0, new Uint8Array(90 * KiB))
    expect(store.usedBytes).toBe(90 * KiB)
    limits = { quotaBytes: 200 * KiB, keepFreeBytes: 0 }
    store.put(ID, 1, new Uint8Array(60 * KiB))
    expect(store.get(ID, 1)).toEqual(new Uint8Array(60 * KiB))
    store.delete(ID, 0)
    expect(store.usedBytes).toBe(60 * KiB)
  })

  it('refuses a shard that would leave less free space than the owner keeps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-shards-'))
    const store = new ShardStore(dir, () => ({ quotaBytes: null, keepFreeBytes: Number.MAX_SAFE_INTEGER }))
    expect(codeOf(() => store.put(ID, 0, new Uint8Array(KiB)))).toBe('disk-full')
    expect(readdirSync(dir)).toEqual([])
  })

  it('counts what it holds after a restart, drops half-written files, and refuses names that are not shards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-shards-'))
    const first = new ShardStore(dir, () => ({ quotaBytes: null, keepFreeBytes: 0 }))
    first.put(ID, 3, new Uint8Array(5 * KiB))
    writeFileSync(join(dir, `${ID}.4.part`), new Uint8Array(KiB))
    const again = new ShardStore(dir, () => ({ quotaBytes: null, keepFreeBytes: 0 }))
    expect(again.usedBytes).toBe(5 * KiB)
    expect(readdirSync(dir)).toEqual([`${ID}.3`])
    expect(codeOf(() => again.put('../etc', 0, new Uint8Array(1)))).toBe('bad-name')
    expect(again.get(ID, 9)).toBeNull()
  })
})
