import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { databasePath, openDatabase } from '../../node/storage/database'
import type { HistoryRow } from './block-history'
import { AccountHistoryStore } from './history-store'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)

const row = (height: number, seq: number, over: Partial<HistoryRow> = {}): HistoryRow => ({
  account: A,
  height,
  seq,
  txId: `${height}`.padStart(64, '0'),
  kind: 'transfer',
  category: 'sent',
  balanceChange: -10n,
  stakeChange: 0n,
  fee: 1n,
  counterparty: B,
  timeMs: height * 1000,
  ...over,
})

describe('the account history index', () => {
  let store: AccountHistoryStore

  beforeEach(() => {
    const db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-history-'))))
    store = new AccountHistoryStore(db, 'n'.repeat(64))
  })

  it('keeps the indexed height, and lists an account’s entries newest first', () => {
    expect(store.indexedHeight()).toBe(0)
    store.add(1, [row(1, 0), row(1, 1, { account: B, category: 'received', balanceChange: 10n })])
    store.add(2, [row(2, 0, { kind: 'stake', category: 'staked' })])
    expect(store.indexedHeight()).toBe(2)
    const page = store.page({ account: A, categories: [], beforeHeight: 10, limit: 10 })
    expect(page.entries.map((e) => [e.height, e.kind, e.balanceChange])).toEqual([
      [2, 'stake', '-10'],
      [1, 'transfer', '-10'],
    ])
    expect(page.nextBeforeHeight).toBeNull()
    expect(
      store.page({ account: A, categories: ['staked'], beforeHeight: 10, limit: 10 }).entries,
    ).toHaveLength(1)
  })

  it('pages by whole blocks, and lists a block with more entries than the limit whole', () => {
    store.add(1, [row(1, 0)])
    store.add(2, [row(2, 0), row(2, 1), row(2, 2)])
    store.add(3, [row(3, 0)])
    const first = store.page({ account: A, categories: [], beforeHeight: 10, limit: 2 })
    expect(first.entries.map((e) => e.height)).toEqual([3])
    expect(first.nextBeforeHeight).toBe(3)
    const second = store.page({ account: A, categories: [], beforeHeight: 3, limit: 2 })
    expect(second.entries.map((e) => e.height)).toEqual([2, 2, 2])
    const third = store.page({ account: A, categories: [], beforeHeight: second.nextBeforeHeight!, limit: 2 })
    expect(third.entries.map((e) => e.height)).toEqual([1])
    expect(third.nextBeforeHeight).toBeNull()
  })

  it('forgets entries above a height when the chain is rebuilt shorter', () => {
    store.add(1, [row(1, 0)])
    store.add(2, [row(2, 0)])
    store.truncateAbove(1)
    expect(store.indexedHeight()).toBe(1)
    expect(store.page({ account: A, categories: [], beforeHeight: 10, limit: 10 }).entries).toHaveLength(1)
  })
})
