import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../../test/sim/ed25519-scheme'
import { testProposal } from '../../../test/support/driver-fixture'
import {
  buildTestBlock,
  commitFor,
  growTestChain,
  TEST_CHAIN,
  testGenesis,
  testValidators,
} from '../../../test/support/ledger-fixture'
import { blockHash } from '../block'
import { Chain } from '../chain'
import { toBase64 } from '../codec'
import { signVote, type Vote } from '../votes'
import { databasePath, openDatabase } from '../../node/storage/database'
import { LedgerStoreError, SqliteBlockStore, SqliteSigningGuard } from './block-store'

const OTHER_CHAIN = 'b'.repeat(64)
let dir: string
let db: DatabaseSync

/** The blocks table references networks; a bare row per chain id is enough here. */
function registerNetwork(id: string): void {
  db.prepare(
    'INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, 0, 0)',
  ).run(id, id.slice(0, 4), '{}')
}

const chainOver = (store: SqliteBlockStore, id = TEST_CHAIN): Chain =>
  new Chain(id, testGenesis, ed25519Scheme, store)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-ledger-store-'))
  db = openDatabase(databasePath(dir))
  registerNetwork(TEST_CHAIN)
  registerNetwork(OTHER_CHAIN)
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('SqliteBlockStore', () => {
  it('keeps committed blocks, and a chain reopened from it replays to the same height, hash and root', () => {
    const chain = chainOver(new SqliteBlockStore(db, TEST_CHAIN))
    growTestChain(chain, 4)
    db.close()
    db = openDatabase(databasePath(dir))
    for (const verifyProofs of [true, false]) {
      const reopened = chainOver(new SqliteBlockStore(db, TEST_CHAIN))
      reopened.replay({ verifyProofs })
      expect(reopened.height).toBe(4)
      expect(reopened.lastHash).toBe(chain.lastHash)
      expect(reopened.state.root()).toBe(chain.state.root())
    }
  })

  it('keeps each network’s chain apart', () => {
    growTestChain(chainOver(new SqliteBlockStore(db, TEST_CHAIN)), 2)
    const other = new SqliteBlockStore(db, OTHER_CHAIN)
    expect(other.height).toBe(0)
    expect([...other.all()]).toEqual([])
    expect(new SqliteBlockStore(db, TEST_CHAIN).height).toBe(2)
  })

  it('refuses a block out of order and keeps what it had', () => {
    const store = new SqliteBlockStore(db, TEST_CHAIN)
    growTestChain(chainOver(store), 2)
    const second = store.get(2)!
    expect(() => store.append(second)).toThrow(/expects height 3, not 2/)
    expect(() =>
      store.append({ ...second, block: { ...second.block, header: { ...second.block.header, height: 9 } } }),
    ).toThrow(LedgerStoreError)
    expect(store.height).toBe(2)
    expect(store.get(2)).toEqual(second)
  })

  it('reports a damaged row with its height instead of replaying it', () => {
    const store = new SqliteBlockStore(db, TEST_CHAIN)
    growTestChain(chainOver(store), 3)
    const damage = (sql: string): string => {
      db.exec('BEGIN')
      db.prepare(sql).run(TEST_CHAIN)
      try {
        chainOver(new SqliteBlockStore(db, TEST_CHAIN)).replay()
        return 'replayed'
      } catch (err) {
        expect(err).toBeInstanceOf(LedgerStoreError)
        return (err as Error).message
      } finally {
        db.exec('ROLLBACK')
      }
    }
    expect(damage("UPDATE blocks SET block = 'not json' WHERE network_id = ? AND height = 2")).toMatch(
      /block 2 is damaged \(not JSON\)/,
    )
    expect(damage("UPDATE blocks SET block = '{}' WHERE network_id = ? AND height = 2")).toMatch(
      /block 2 is damaged/,
    )
    expect(
      damage(
        "UPDATE blocks SET block = json_set(block, '$.header.timeMs', 123456) WHERE network_id = ? AND height = 2",
      ),
    ).toMatch(/block 2 is damaged \(its hash does not match\)/)
    expect(damage('DELETE FROM blocks WHERE network_id = ? AND height = 2')).toMatch(/missing block 2/)
    // Nothing the damage checks touched was kept: the store still replays whole.
    const intact = chainOver(new SqliteBlockStore(db, TEST_CHAIN))
    intact.replay()
    expect(intact.height).toBe(3)
  })

  it('re-verifies a stored block on request and names a forged proof', () => {
    const store = new SqliteBlockStore(db, TEST_CHAIN)
    const chain = chainOver(store)
    growTestChain(chain, 2)
    const entry = store.get(2)!
    expect(() => chain.verifyStored(entry)).not.toThrow()
    const forged = structuredClone(entry)
    forged.block.header.proof.stake.signature = toBase64(new Uint8Array(64).fill(7))
    expect(() => chain.verifyStored(forged)).toThrow(/does not hash to its record/)
    // Re-hashed and committed by a quorum, the forged proof is still refused, by name.
    const hash = blockHash(forged.block.header)
    const recommitted = { ...forged, hash, commit: commitFor(forged.block, [0, 1, 2]) }
    expect(() => chain.verifyStored(recommitted)).toThrow(/PoStake: signature does not verify/)
  })
})

describe('SqliteSigningGuard', () => {
  const vote = (round: number): Vote =>
    signVote(
      {
        type: 'prevote',
        chainId: TEST_CHAIN,
        height: 5,
        round,
        blockHash: null,
        validator: testValidators[0]!.address,
      },
      { scheme: ed25519Scheme, address: testValidators[0]!.address, secretKey: testValidators[0]!.secretKey },
    )

  it('remembers the last signed position and its votes across a reopen, per network', () => {
    const guard = new SqliteSigningGuard(db, TEST_CHAIN)
    expect(guard.load()).toBeNull()
    const position = { height: 5, round: 1, step: 1, votes: [vote(0), vote(1)] }
    guard.save(position)
    db.close()
    db = openDatabase(databasePath(dir))
    expect(new SqliteSigningGuard(db, TEST_CHAIN).load()).toEqual(position)
    expect(new SqliteSigningGuard(db, OTHER_CHAIN).load()).toBeNull()
  })

  it('keeps the lock and valid value with their blocks, and refuses a lock that does not match', () => {
    const chain = chainOver(new SqliteBlockStore(db, TEST_CHAIN))
    const locked = testProposal(0, buildTestBlock(chain, 0, null, 1_000), 0)
    const valid = testProposal(1, buildTestBlock(chain, 1, null, 1_001), 2)
    const lock = {
      height: 1,
      lockedRound: 0,
      validRound: 2,
      values: [locked, valid].map(({ proposal, block }) => ({ proposal, block })),
    }
    const position = { height: 1, round: 2, step: 2, votes: [], lock }
    new SqliteSigningGuard(db, TEST_CHAIN).save(position)
    // Saved again beside a later signature, the same lock is written once more, whole.
    new SqliteSigningGuard(db, TEST_CHAIN).save({ ...position, round: 3, step: 1 })
    expect(new SqliteSigningGuard(db, TEST_CHAIN).load()).toEqual({ ...position, round: 3, step: 1 })
    db.prepare(
      "UPDATE signing_guard SET position = json_set(position, '$.lock.values[0].block.header.timeMs', 7)",
    ).run()
    expect(() => new SqliteSigningGuard(db, TEST_CHAIN).load()).toThrow(/signing record is damaged/)
  })

  it('refuses to sign on from a damaged record rather than risk a second vote', () => {
    new SqliteSigningGuard(db, TEST_CHAIN).save({ height: 5, round: 0, step: 1, votes: [vote(0)] })
    db.prepare('UPDATE signing_guard SET position = \'{"height": -1}\'').run()
    expect(() => new SqliteSigningGuard(db, TEST_CHAIN).load()).toThrow(/signing record is damaged/)
    db.prepare("UPDATE signing_guard SET position = 'garbage'").run()
    expect(() => new SqliteSigningGuard(db, TEST_CHAIN).load()).toThrow(LedgerStoreError)
  })
})
