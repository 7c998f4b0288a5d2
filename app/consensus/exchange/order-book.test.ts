import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PEERS } from '../jobs/test-fixture'
import { txId } from '../tx'
import { MAX_FILLS_PER_ORDER, MAX_OPEN_ORDERS_PER_ACCOUNT } from './markets'
import { bookSide, fillIdOf } from './order-book'
import { FEE, keysOf, registerAsset, signedTx, TestLedger, type Keys } from './test-fixture'

describe('the exchange on the ledger: orders, matching and cancel', () => {
  let buyer: Keys
  let seller: Keys
  let seller2: Keys
  let ledger: TestLedger
  let asset: string
  let asset2: string
  const HOLDER = PEERS[3]!

  beforeAll(() => {
    ;[buyer, seller, seller2] = [keysOf(), keysOf(), keysOf()]
  })
  beforeEach(() => {
    ledger = new TestLedger([buyer, seller, seller2])
    asset = registerAsset(ledger.state, seller, 'cpu', PEERS[0])
    asset2 = registerAsset(ledger.state, seller2, 'cpu', PEERS[1])
  })

  const buy = (price: number, quantity: number, from = buyer) =>
    ledger.apply(from, {
      kind: 'order-buy',
      market: 'cpu',
      price: String(price),
      quantity: String(quantity),
      holder: HOLDER,
    })
  const sell = (price: number, quantity: number, from = seller, assetId = asset) =>
    ledger.apply(from, {
      kind: 'order-sell',
      market: 'cpu',
      price: String(price),
      quantity: String(quantity),
      assetId,
    })
  /** Places an order and returns its id (the placing transaction's id). */
  function place(kind: 'buy' | 'sell', price: number, quantity: number, from: Keys, assetId = asset): string {
    const tx = signedTx(
      ledger.state,
      from,
      kind === 'buy'
        ? {
            kind: 'order-buy',
            market: 'cpu',
            price: String(price),
            quantity: String(quantity),
            holder: HOLDER,
          }
        : { kind: 'order-sell', market: 'cpu', price: String(price), quantity: String(quantity), assetId },
    )
    expect(ledger.applySigned(tx)).toBeNull()
    return txId(tx)
  }

  it('rests a buy order on the book and holds price × quantity of the buyer’s funds', () => {
    const id = place('buy', 100, 5, buyer)
    expect(ledger.balance(buyer)).toBe(1_000_000n - FEE - 500n)
    expect(ledger.state.orders.get(id)).toMatchObject({ side: 'buy', price: 100n, remaining: 5n, seq: 0 })
  })

  it('fills a crossing sell at the resting bid’s price into a lease escrow for the buyer’s holder', () => {
    const bid = place('buy', 100, 5, buyer)
    const ask = place('sell', 90, 3, seller)
    const escrow = ledger.state.leaseEscrows.get(fillIdOf(ask, bid))
    expect(escrow).toMatchObject({
      buyer: buyer.address,
      seller: seller.address,
      assetId: asset,
      holder: HOLDER,
      quantity: 3n,
      price: 100n,
      amount: 300n,
      status: 'open',
    })
    expect(ledger.state.orders.get(bid)?.remaining).toBe(2n)
    expect(ledger.state.orders.has(ask)).toBe(false)
    expect(ledger.balance(buyer)).toBe(1_000_000n - FEE - 500n)
  })

  it('fills a buy at the ask’s price and gives the buyer back the difference at once', () => {
    place('sell', 80, 4, seller)
    const bid = place('buy', 100, 4, buyer)
    expect(ledger.balance(buyer)).toBe(1_000_000n - FEE - 320n)
    expect(ledger.state.orders.has(bid)).toBe(false)
  })

  it('matches the best price first, then the earliest order at one price', () => {
    const late = place('sell', 90, 2, seller2, asset2)
    const early = place('sell', 95, 2, seller)
    const sameLate = place('sell', 90, 2, seller, asset)
    const bid = place('buy', 95, 5, buyer)
    // 2 from the first 90 (seller2), 2 from the later 90 (seller), 1 from the 95.
    expect(ledger.state.leaseEscrows.get(fillIdOf(bid, late))?.quantity).toBe(2n)
    expect(ledger.state.leaseEscrows.get(fillIdOf(bid, sameLate))?.quantity).toBe(2n)
    expect(ledger.state.leaseEscrows.get(fillIdOf(bid, early))?.quantity).toBe(1n)
    expect(ledger.state.orders.get(early)?.remaining).toBe(1n)
    expect(ledger.balance(buyer)).toBe(1_000_000n - FEE - (90n * 4n + 95n))
  })

  it('rests an unfilled remainder at its limit and never fills across the spread', () => {
    place('sell', 120, 5, seller)
    const bid = place('buy', 100, 5, buyer)
    expect(ledger.state.leaseEscrows.size).toBe(0)
    expect(ledger.state.orders.get(bid)?.remaining).toBe(5n)
    const asks = bookSide(ledger.state, 'cpu', 'sell')
    const bids = bookSide(ledger.state, 'cpu', 'buy')
    expect(bids[0]!.order.price < asks[0]!.order.price).toBe(true)
  })

  it(`fills at most ${MAX_FILLS_PER_ORDER} resting orders and cancels a rest that would still cross`, () => {
    for (let i = 0; i <= MAX_FILLS_PER_ORDER; i++)
      place('sell', 50, 1, i % 2 === 0 ? seller : seller2, i % 2 === 0 ? asset : asset2)
    const before = ledger.balance(buyer)
    const bid = place('buy', 50, MAX_FILLS_PER_ORDER + 5, buyer)
    expect(ledger.state.leaseEscrows.size).toBe(MAX_FILLS_PER_ORDER)
    expect(ledger.state.orders.has(bid)).toBe(false)
    expect(ledger.balance(buyer)).toBe(before - FEE - 50n * BigInt(MAX_FILLS_PER_ORDER))
    expect(bookSide(ledger.state, 'cpu', 'sell')).toHaveLength(1)
  })

  describe('refuses, changing nothing', () => {
    it('a zero or too large price or quantity', () => {
      expect(buy(0, 1)).toBe('malformed')
      expect(buy(1, 0)).toBe('malformed')
      expect(sell(1, 0)).toBe('malformed')
      expect(
        ledger.apply(buyer, {
          kind: 'order-buy',
          market: 'cpu',
          price: '1' + '0'.repeat(19),
          quantity: '1',
          holder: HOLDER,
        }),
      ).toBe('malformed')
    })

    it('a buy its account cannot hold the funds for', () => {
      expect(buy(1000, 1000)).toBe('insufficient-balance')
    })

    it('a sell of an unknown asset, another account’s asset, or an asset of another market', () => {
      expect(sell(10, 1, seller, 'f'.repeat(64))).toBe('unknown-asset')
      expect(sell(10, 1, seller, asset2)).toBe('not-authorized')
      const memory = registerAsset(ledger.state, seller, 'memory')
      expect(sell(10, 1, seller, memory)).toBe('malformed')
    })

    it('an order that would trade with the same account’s order (self-trade)', () => {
      place('sell', 10, 1, seller2, asset2)
      place('buy', 5, 1, seller)
      // The ask at 4 meets the seller's own bid at 5, the best bid, first.
      expect(sell(4, 2, seller)).toBe('self-trade')
    })

    it(`an order beyond ${MAX_OPEN_ORDERS_PER_ACCOUNT} open orders of one account`, () => {
      for (let i = 0; i < MAX_OPEN_ORDERS_PER_ACCOUNT; i++) expect(buy(1, 1)).toBeNull()
      expect(buy(1, 1)).toBe('too-many-orders')
    })

    it('a cancel of an unknown order, or of another account’s order', () => {
      const bid = place('buy', 10, 1, buyer)
      expect(ledger.apply(buyer, { kind: 'order-cancel', orderId: 'e'.repeat(64) })).toBe('unknown-order')
      expect(ledger.apply(seller, { kind: 'order-cancel', orderId: bid })).toBe('not-authorized')
    })
  })

  it('cancels a resting order: a buy order’s held funds come back, and it cannot be cancelled twice', () => {
    const bid = place('buy', 10, 7, buyer)
    expect(ledger.apply(buyer, { kind: 'order-cancel', orderId: bid })).toBeNull()
    expect(ledger.balance(buyer)).toBe(1_000_000n - 2n * FEE)
    expect(ledger.apply(buyer, { kind: 'order-cancel', orderId: bid })).toBe('unknown-order')
    const ask = place('sell', 10, 7, seller)
    expect(ledger.apply(seller, { kind: 'order-cancel', orderId: ask })).toBeNull()
    expect(ledger.state.orders.size).toBe(0)
  })

  it('changes the state root with every order, fill and cancel', () => {
    const roots = new Set([ledger.state.root()])
    const bid = place('buy', 10, 2, buyer)
    roots.add(ledger.state.root())
    place('sell', 10, 1, seller)
    roots.add(ledger.state.root())
    ledger.apply(buyer, { kind: 'order-cancel', orderId: bid })
    roots.add(ledger.state.root())
    expect(roots.size).toBe(4)
  })
})
