import { beforeAll, describe, expect, it } from 'vitest'
import { executeBlockBody } from '../execute'
import { registerAsset, signedTx, TestLedger, keysOf, type Keys } from '../exchange/test-fixture'
import { jobCtx, PEERS, PROPOSER } from '../jobs/test-fixture'
import type { LedgerState } from '../state'
import { txId, type SignedTx } from '../tx'
import { blockHistory, type HistoryRow } from './block-history'

describe('block history: what a block did to each account', () => {
  let alice: Keys
  let bob: Keys
  let carol: Keys
  let prior: LedgerState
  let txs: SignedTx[]
  let rows: HistoryRow[]
  let next: LedgerState

  beforeAll(() => {
    ;[alice, bob, carol] = [keysOf(), keysOf(), keysOf()]
    const ledger = new TestLedger([alice, bob, carol])
    const asset = registerAsset(ledger.state, carol, 'memory')
    // Carol's ask rests in an earlier block; this block: a transfer, a stake and Bob's buy that fills it.
    expect(
      ledger.apply(carol, {
        kind: 'order-sell',
        market: 'memory',
        price: '7',
        quantity: '3',
        assetId: asset,
      }),
    ).toBeNull()
    prior = ledger.state
    const working = ledger.state.copy()
    const sign = (from: Keys, body: Parameters<typeof signedTx>[2]): SignedTx => {
      const tx = signedTx(working, from, body)
      working.accounts.set(from.address, { ...working.account(from.address)!, nonce: tx.body.nonce + 1 })
      return tx
    }
    txs = [
      sign(alice, { kind: 'transfer', to: bob.address, amount: '500' }),
      sign(alice, { kind: 'stake', amount: '1000' }),
      sign(bob, { kind: 'order-buy', market: 'memory', price: '9', quantity: '2', holder: PEERS[1]! }),
    ]
    const block = {
      height: prior.height + 1,
      timeMs: prior.timeMs + 1000,
      proposer: PROPOSER,
      txs,
      evidence: [],
    }
    next = executeBlockBody(prior, block, jobCtx)
    rows = blockHistory(prior, block, jobCtx)
  })

  const of = (k: Keys) => rows.filter((r) => r.account === k.address)

  it('lists the sender and the recipient of a transfer, each with its side', () => {
    expect(of(alice).find((r) => r.kind === 'transfer')).toMatchObject({
      category: 'sent',
      balanceChange: -510n,
      fee: 10n,
      counterparty: bob.address,
      txId: txId(txs[0]!),
    })
    expect(of(bob).find((r) => r.kind === 'transfer')).toMatchObject({
      category: 'received',
      balanceChange: 500n,
      fee: 0n,
      counterparty: alice.address,
    })
  })

  it('shows stake moving from balance to bond', () => {
    expect(of(alice).find((r) => r.kind === 'stake')).toMatchObject({
      category: 'staked',
      balanceChange: -1010n,
      stakeChange: 1000n,
    })
  })

  it('shows a fill to both traders, the resting seller included, at the ask’s price', () => {
    expect(of(bob).find((r) => r.kind === 'order-buy')).toMatchObject({
      category: 'trades',
      balanceChange: -(14n + 10n),
    })
    expect(of(bob).find((r) => r.kind === 'fill')).toMatchObject({ counterparty: carol.address })
    expect(of(carol).find((r) => r.kind === 'fill')).toMatchObject({
      counterparty: bob.address,
      category: 'trades',
    })
  })

  it('gives the proposer its fees as one entry, and adds up to every account’s change', () => {
    expect(rows.filter((r) => r.account === PROPOSER)).toEqual([
      expect.objectContaining({ kind: 'block-fees', balanceChange: 30n }),
    ])
    for (const account of new Set([...next.accounts.keys(), ...prior.accounts.keys()])) {
      const sum = rows.filter((r) => r.account === account).reduce((s, r) => s + r.balanceChange, 0n)
      const change = (next.account(account)?.balance ?? 0n) - (prior.account(account)?.balance ?? 0n)
      expect(sum, account).toBe(change)
    }
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i))
  })

  it('lists a proposer’s own transaction, whose fee it pays to itself, and counts that fee once', () => {
    const ledger = new TestLedger([alice, bob])
    const tx = signedTx(ledger.state, alice, { kind: 'payout-set', to: bob.address })
    const block = {
      height: 4,
      timeMs: ledger.state.timeMs + 1000,
      proposer: alice.address,
      txs: [tx],
      evidence: [],
    }
    const own = blockHistory(ledger.state, block, jobCtx)
    expect(own).toEqual([
      expect.objectContaining({ account: alice.address, kind: 'payout-set', balanceChange: -10n, fee: 10n }),
      expect.objectContaining({ account: alice.address, kind: 'block-fees', balanceChange: 10n }),
    ])
  })
})
