/**
 * Issue 17, item 16: a validator that precommitted a block and restarted must still be locked on it. With
 * the lock forgotten it prevoted for a new block in a later round, and two honest nodes could commit
 * different blocks at one height (the simulator's lock-restart fault found such seeds).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  testDriver,
  testProposal,
  testVote,
  validatorIndex,
  type Sent,
} from '../../../test/support/driver-fixture'
import { buildTestBlock, TEST_CHAIN, testValidators } from '../../../test/support/ledger-fixture'
import { virtualClock } from '../../../test/support/virtual-clock'
import { blockHash } from '../block'
import { databasePath, openDatabase } from '../../node/storage/database'
import { SqliteSigningGuard } from './block-store'

let dir: string
let db: DatabaseSync

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hm-lock-restart-'))
  db = openDatabase(databasePath(dir))
  db.prepare(
    'INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, 0, 0)',
  ).run(TEST_CHAIN, 'test', '{}')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const ownVote = (sent: Sent[], address: string, type: string, round: number) =>
  sent
    .map((s) => s.message)
    .find(
      (m) =>
        m.type === 'vote' && m.vote.validator === address && m.vote.type === type && m.vote.round === round,
    )

describe('a validator that restarts keeps its lock (issue 17, item 16)', () => {
  it('precommits only after persisting its lock, and after a restart prevotes nil for another block', () => {
    const { clock } = virtualClock(10_000)
    const first = testDriver({ clock, validator: null })
    const p0 = validatorIndex(first.driver.proposer(1, 0))
    const p1 = validatorIndex(first.driver.proposer(1, 1))
    const me = [0, 1, 2, 3].find((i) => i !== p0 && i !== p1)!
    const others = [0, 1, 2, 3].filter((i) => i !== me)
    const self = testValidators[me]!.address

    // Round 0: p0 proposes V1; this validator prevotes it, sees two more prevotes, locks and precommits.
    const node = testDriver({ clock, validator: me, guard: new SqliteSigningGuard(db, TEST_CHAIN) })
    node.driver.start()
    const v1 = buildTestBlock(node.chain, p0, null, 10_000)
    node.driver.receive('p0', testProposal(p0, v1, 0))
    for (const i of others.filter((i) => i !== p0))
      node.driver.receive(`v${i}`, testVote(i, 'prevote', 0, v1))
    const precommit = ownVote(node.sent, self, 'precommit', 0)
    expect(precommit?.type === 'vote' && precommit.vote.blockHash).toBe(blockHash(v1.header))
    node.driver.stop()

    // The lock is on disk beside the precommit.
    db.close()
    db = openDatabase(databasePath(dir))
    const stored = new SqliteSigningGuard(db, TEST_CHAIN).load()
    expect(stored?.lock?.lockedRound).toBe(0)
    expect(stored?.lock?.values.map((v) => v.proposal.blockHash)).toEqual([blockHash(v1.header)])

    // Restarted with nothing committed: two validators (half the power) are in round 1 and it follows them
    // there (line 55); p1 proposes a different block V2.
    const again = testDriver({ clock, validator: me, guard: new SqliteSigningGuard(db, TEST_CHAIN) })
    again.driver.start()
    for (const i of others.slice(0, 2)) again.driver.receive(`v${i}`, testVote(i, 'prevote', 1, null))
    expect(again.driver.machine.round).toBe(1)
    const v2 = buildTestBlock(again.chain, p1, null, 10_001)
    again.driver.receive('p1', testProposal(p1, v2, 1))
    const prevote = ownVote(again.sent, self, 'prevote', 1)
    expect(prevote).toBeDefined()
    // Locked on V1 since round 0, it must not prevote V2 (line 22).
    expect(prevote?.type === 'vote' && prevote.vote.blockHash).toBeNull()
    again.driver.stop()
  })
})
