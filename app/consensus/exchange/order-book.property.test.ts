import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { PEERS } from '../jobs/test-fixture'
import { txId } from '../tx'
import { RELEASE_WINDOW_MS } from './lease-escrow'
import { MARKETS, type Market } from './markets'
import { BookIndex } from './book-index'
import { bookSide, byPriority } from './order-book'
import { keysOf, registerAsset, signedTx, TestLedger, type Keys } from './test-fixture'

const Op = fc.oneof(
  fc.record({
    op: fc.constantFrom('buy' as const, 'sell' as const),
    who: fc.nat(2),
    market: fc.constantFrom<Market>('cpu', 'memory'),
    price: fc.integer({ min: 1, max: 20 }),
    quantity: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ op: fc.constant('cancel' as const), pick: fc.nat(50) }),
  fc.record({ op: fc.constant('refund' as const), pick: fc.nat(50) }),
  fc.record({ op: fc.constant('advance' as const), days: fc.constantFrom(1, 9) }),
)
type Op = typeof Op extends fc.Arbitrary<infer T> ? T : never

describe('random order flows', () => {
  let traders: Keys[]

  beforeAll(() => {
    traders = [keysOf(), keysOf(), keysOf()]
  })

  it('conserve funds, never fill across the spread, and never leave the book crossed', () => {
    fc.assert(
      fc.property(fc.array(Op, { minLength: 1, maxLength: 24 }), (ops) => {
        const ledger = new TestLedger(traders, 5_000n)
        for (const t of traders) for (const m of ['cpu', 'memory'] as const) registerAsset(ledger.state, t, m)
        const limits = new Map<string, bigint>()
        for (const op of ops) applyOp(ledger, op, limits)
        return true
      }),
      { numRuns: 100 },
    )
  })

  function applyOp(ledger: TestLedger, op: Op, limits: Map<string, bigint>): void {
    const state = ledger.state
    switch (op.op) {
      case 'buy':
      case 'sell': {
        const from = traders[op.who]!
        const assetId = [...state.assets.values()].find(
          (a) => a.owner === from.address && a.resource === op.market,
        )!.assetId
        const common = { market: op.market, price: String(op.price), quantity: String(op.quantity) }
        const tx = signedTx(
          state,
          from,
          op.op === 'buy'
            ? { kind: 'order-buy', ...common, holder: PEERS[op.who]! }
            : { kind: 'order-sell', ...common, assetId },
        )
        const before = new Set(ledger.state.leaseEscrows.keys())
        // Refusals (self-trade, too little balance) are part of the flow; TestLedger checks they change nothing.
        if (ledger.applySigned(tx) == null) limits.set(txId(tx), BigInt(op.price))
        for (const [id, e] of ledger.state.leaseEscrows) {
          if (before.has(id)) continue
          expect(e.price).toBeLessThanOrEqual(limits.get(e.buyOrder)!)
          expect(e.price).toBeGreaterThanOrEqual(limits.get(e.sellOrder)!)
          expect(e.amount).toBe(e.price * e.quantity)
        }
        break
      }
      case 'cancel': {
        const ids = [...state.orders.keys()]
        if (ids.length === 0) return
        const id = ids[op.pick % ids.length]!
        const owner = traders.find((t) => t.address === state.orders.get(id)!.owner)!
        expect(ledger.apply(owner, { kind: 'order-cancel', orderId: id })).toBeNull()
        break
      }
      case 'refund': {
        const ids = [...state.leaseEscrows.keys()]
        if (ids.length === 0) return
        const id = ids[op.pick % ids.length]!
        const escrow = state.leaseEscrows.get(id)!
        const buyer = traders.find((t) => t.address === escrow.buyer)!
        const code = ledger.apply(buyer, { kind: 'lease-refund', escrowId: id })
        const due = escrow.deliverBy + RELEASE_WINDOW_MS <= state.timeMs
        expect(code).toBe(escrow.status !== 'open' ? 'escrow-closed' : due ? null : 'too-early')
        break
      }
      case 'advance':
        ledger.at(ledger.state.timeMs + op.days * 24 * 3600_000)
    }
    for (const market of Object.keys(MARKETS) as Market[]) {
      const bid = bookSide(ledger.state, market, 'buy')[0]
      const ask = bookSide(ledger.state, market, 'sell')[0]
      if (bid != null && ask != null) expect(bid.order.price).toBeLessThan(ask.order.price)
    }
    for (const account of ledger.state.accounts.values()) expect(account.balance >= 0n).toBe(true)
    expectIndexMatchesOrders(ledger)
  }

  /** The copy-on-write book index says what a scan of every order says, through every copy. */
  function expectIndexMatchesOrders(ledger: TestLedger): void {
    const { state } = ledger
    const rebuilt = BookIndex.build(state.orders)
    for (const market of ['cpu', 'memory'] as const)
      for (const side of ['buy', 'sell'] as const) {
        const scanned = [...state.orders]
          .filter(([, o]) => o.market === market && o.side === side)
          .sort(([, a], [, b]) => byPriority(a, b))
          .map(([id]) => id)
        expect(bookSide(state, market, side).map((e) => e.id)).toEqual(scanned)
        expect(rebuilt.side(market, side).map((e) => e.id)).toEqual(scanned)
      }
    for (const t of traders)
      expect(state.book().openOrders(t.address)).toBe(
        [...state.orders.values()].filter((o) => o.owner === t.address).length,
      )
  }
})
