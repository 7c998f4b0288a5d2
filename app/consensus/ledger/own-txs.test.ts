import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import pino from 'pino'
import { beforeEach, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../../test/sim/ed25519-scheme'
import { SIM_PARAMS } from '../../../test/sim/simulation'
import { testValidators, TEST_CHAIN } from '../../../test/support/ledger-fixture'
import { databasePath, openDatabase } from '../../node/storage/database'
import { LedgerRejection } from '../errors'
import type { LedgerState } from '../state'
import { signTx, txId, type SignedTx } from '../tx'
import { OwnTransactions } from './own-txs'

const sender = testValidators[0]!
const transfer = (nonce: number, amount = '5'): SignedTx =>
  signTx(
    {
      kind: 'transfer',
      chainId: TEST_CHAIN,
      from: sender.address,
      publicKey: Buffer.from(sender.publicKey).toString('base64'),
      nonce,
      fee: SIM_PARAMS.minFee,
      to: '11'.repeat(20),
      amount,
    },
    ed25519Scheme,
    sender.secretKey,
  )
/** A ledger state as far as own transactions read it: the sender's nonce, and the height. */
const stateAt = (nonce: number, height = 10): LedgerState =>
  ({
    height,
    account: (a: string) => (a === sender.address ? { nonce } : undefined),
  }) as unknown as LedgerState

let db: DatabaseSync
let own: OwnTransactions
beforeEach(() => {
  db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-own-txs-'))))
  own = new OwnTransactions({ db, networkId: TEST_CHAIN, params: SIM_PARAMS, log: pino({ level: 'silent' }) })
})

const statusOf = (tx: SignedTx) => own.summaries().find((s) => s.txId === txId(tx))

describe('this node’s own transactions', () => {
  it('are kept pending from admission, and after a restart submitted again in nonce order', () => {
    const [a, b] = [transfer(3), transfer(4)]
    own.record(b, 5)
    own.record(a, 5)
    expect(own.summaries().map((s) => s.status)).toEqual(['pending', 'pending'])
    // A new instance on the same database: what a restarted node opens.
    const again = new OwnTransactions({
      db,
      networkId: TEST_CHAIN,
      params: SIM_PARAMS,
      log: pino({ level: 'silent' }),
    })
    const submitted: number[] = []
    again.resubmit(
      stateAt(3),
      () => [],
      (tx) => submitted.push(tx.body.nonce),
    )
    expect(submitted).toEqual([3, 4])
    expect(statusOf(a)?.status).toBe('pending')
  })

  it('after a restart, finds in the stored blocks those committed before it, and marks taken nonces refused', () => {
    const [a, b] = [transfer(0), transfer(1)]
    own.record(a, 5)
    own.record(b, 5)
    const blocks: Record<number, string[]> = { 7: [txId(a)] }
    const submitted: SignedTx[] = []
    // The account is at nonce 2: both nonces were used, a by a's own block, 1 by some other transaction.
    own.resubmit(
      stateAt(2),
      (h) => blocks[h] ?? [],
      (tx) => submitted.push(tx),
    )
    expect(submitted).toEqual([])
    expect(statusOf(a)).toMatchObject({ status: 'committed', height: 7, reason: null })
    expect(statusOf(b)).toMatchObject({
      status: 'refused',
      reason: 'another transaction of this account used nonce 1',
    })
  })

  it('after each block: committed when carried, put back when it fell out of the pool, refused when it cannot apply', () => {
    const [a, b, c] = [transfer(0), transfer(1), transfer(2)]
    for (const tx of [a, b, c]) own.record(tx, 1)
    const putBack: number[] = []
    own.afterBlock(2, new Set([txId(a)]), stateAt(1), (tx) => {
      if (tx.body.nonce === 2) throw new LedgerRejection('insufficient-balance', 'the transaction needs 5')
      putBack.push(tx.body.nonce)
    })
    expect(statusOf(a)).toMatchObject({ status: 'committed', height: 2 })
    expect(putBack).toEqual([1])
    expect(statusOf(b)?.status).toBe('pending')
    expect(statusOf(c)).toMatchObject({ status: 'refused', reason: 'the transaction needs 5' })
  })

  it('a full pool is a wait, not a refusal', () => {
    const tx = transfer(0)
    own.record(tx, 1)
    own.afterBlock(2, new Set(), stateAt(0), () => {
      throw new LedgerRejection('oversized', 'the transaction pool is full; try again in a few blocks')
    })
    expect(statusOf(tx)?.status).toBe('pending')
  })

  it('a stored copy that no longer parses is refused, not submitted', () => {
    const tx = transfer(0)
    own.record(tx, 1)
    db.prepare('UPDATE own_txs SET tx = \'{"body":{}}\'').run()
    const submitted: SignedTx[] = []
    own.resubmit(
      stateAt(0),
      () => [],
      (t) => submitted.push(t),
    )
    expect(submitted).toEqual([])
    expect(statusOf(tx)?.reason).toMatch(/^its stored copy is damaged/)
  })
})
