/**
 * Blocks come from peers (proposals, sync) and back from disk (the block store's rows): generated inputs.
 * The Block and Commit schemas take any JSON without throwing; a stored row of any content is read back or
 * refused with a LedgerStoreError; valid blocks round-trip; and a stored block with any one bit flipped is
 * refused when the chain opens, by the store or by the chain's own checks of the body against its header.
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../../test/sim/ed25519-scheme'
import { anyJson, decodedOrRefused, flipBit, mutatedObject } from '../../../test/support/decoding'
import { growTestChain, TEST_CHAIN, testGenesis } from '../../../test/support/ledger-fixture'
import { databasePath, openDatabase } from '../../node/storage/database'
import { Block, Commit } from '../block'
import { Chain } from '../chain'
import { LedgerRejection } from '../errors'
import { LedgerStoreError, SqliteBlockStore } from './block-store'

let dir: string
let db: DatabaseSync
let stored: { height: number; hash: string; block: string; commit: string }
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-block-props-'))
  db = openDatabase(databasePath(dir))
  db.prepare(
    'INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, 0, 0)',
  ).run(TEST_CHAIN, 'test', '{}')
  growTestChain(new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new SqliteBlockStore(db, TEST_CHAIN)), 2)
  const row = db
    .prepare('SELECT height, hash, block, commit_json FROM blocks WHERE network_id = ? AND height = 2')
    .get(TEST_CHAIN) as { height: number; hash: string; block: string; commit_json: string }
  stored = { height: row.height, hash: row.hash, block: row.block, commit: row.commit_json }
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `check` with row 2 (the top, whose block carries the last commit) set to `row`, then puts it back. */
function withRow<T>(row: { hash: string; block: string; commit: string }, check: () => T): T {
  db.exec('BEGIN')
  try {
    db.prepare(
      'UPDATE blocks SET hash = ?, block = ?, commit_json = ? WHERE network_id = ? AND height = 2',
    ).run(row.hash, row.block, row.commit, TEST_CHAIN)
    return check()
  } finally {
    db.exec('ROLLBACK')
  }
}

/** What opening the chain over the store does: a full replay, as `verifyProofs` says. */
const opens = (verifyProofs: boolean) =>
  decodedOrRefused(
    () => {
      const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new SqliteBlockStore(db, TEST_CHAIN))
      chain.replay({ verifyProofs })
      return chain.height
    },
    LedgerStoreError,
    LedgerRejection,
  )

describe('blocks from generated input', () => {
  it('the Block and Commit schemas take any JSON, and a block with a field changed, without throwing', () => {
    const block = JSON.parse(stored.block) as Record<string, unknown>
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(),
          mutatedObject(block),
          mutatedObject(block.header as Record<string, unknown>).map((header) => ({ ...block, header })),
        ),
        (json) => {
          Block.safeParse(json)
          Commit.safeParse(json)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('a stored row of any content is read back or refused with a LedgerStoreError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      anyJson().map((v) => JSON.stringify(v) ?? 'null'),
      mutatedObject(JSON.parse(stored.block) as Record<string, unknown>).map((v) => JSON.stringify(v)),
      fc.constant(stored.block),
    )
    fc.assert(
      fc.property(
        fc.record({
          hash: fc.oneof(fc.constant(stored.hash), fc.string({ maxLength: 64 })),
          block: text,
          commit: fc.oneof(fc.constant(stored.commit), text),
        }),
        (row) => {
          withRow(row, () =>
            decodedOrRefused(() => new SqliteBlockStore(db, TEST_CHAIN).get(2), LedgerStoreError),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('valid blocks round-trip through the store, and the chain reopens from them', () => {
    const entry = new SqliteBlockStore(db, TEST_CHAIN).get(2)!
    expect(JSON.stringify(entry.block)).toBe(stored.block)
    expect(Block.parse(JSON.parse(JSON.stringify(entry.block)))).toEqual(entry.block)
    expect(opens(true)).toEqual({ ok: true, value: 2 })
  })

  it('a stored block with any one bit flipped is refused when the chain opens', () => {
    const bytes = new TextEncoder().encode(stored.block)
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (at) => {
        let block: string
        try {
          block = new TextDecoder('utf-8', { fatal: true }).decode(flipBit(bytes, at))
        } catch {
          return // not UTF-8: SQLite TEXT could not hold it as written
        }
        // As the node opens its chain (its own store's proofs are not checked again), or else in full.
        withRow({ ...stored, block }, () => expect(opens(false).ok && opens(true).ok).toBe(false))
      }),
      { numRuns: 150 },
    )
  }, 120_000)
})
