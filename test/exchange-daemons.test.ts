/**
 * The exchange among four validator daemons on loopback (issue 19): V1 registers a memory asset and
 * rests three asks; V2 previews and places a buy that takes the two best; V3 rests a bid and cancels it.
 * Every validator executes the same blocks (one hash at every height, and a block's hash commits to its
 * state root), and each shows the same book and the same fills; each account sees its own orders in their
 * states and its trades, and V2 paid exactly the asks' prices.
 *
 * Then a fill is delivered: V2 asks V1 for the fill's lease, uses it, and the receipts it signs pay V1 from
 * the fill's escrow (lease-release), seen in the trade on both nodes and in V1's history.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { MyOrder, OrderBook } from '../shared/api'
import { ensureBuilt, waitFor, type Daemon } from './support/daemon'
import { chainStatus, hashesAt, startValidatorNet, type ValidatorNet } from './support/validator-net'

const balanceOf = async (d: Daemon, address: string): Promise<bigint> =>
  BigInt((await d.call('chain.account', { address })).balance)

/** A wallet on `node` whose first account holds `amount`, sent from the node's own account. */
async function fundedWallet(node: Daemon, amount: string): Promise<string> {
  const { status } = await node.call('wallet.create', { passphrase: 'exchange test passphrase' })
  const address = status.accounts[0]!.address
  await node.call('chain.transfer', { to: address, amount })
  await waitFor('the wallet to be funded', async () => (await balanceOf(node, address)) > 0n, 60_000)
  return address
}

/** Waits until `node`'s own orders are all out of the pool (committed or refused). */
async function settled(node: Daemon): Promise<MyOrder[]> {
  let orders: MyOrder[] = []
  await waitFor(
    'the orders to be committed',
    async () => {
      orders = (await node.call('exchange.mine', {})).orders
      return orders.every((o) => o.state !== 'pending')
    },
    60_000,
  )
  return orders
}

describe('the exchange on four validators', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-exchange-'))
  let net: ValidatorNet
  let v: Daemon[]

  beforeAll(async () => {
    ensureBuilt()
    net = await startValidatorNet(base, 4, { fundEach: '100000000000' })
    v = net.daemons as Daemon[]
    await v[0]!.call('sharing.update', {
      resource: 'memory',
      settings: { ...defaultSharing('memory'), enabled: true, privacy: 'FullPublic', allocationPercent: 10 },
    })
    await v[0]!.call('assets.register', { resource: 'memory' })
    await waitFor(
      'the memory asset to be registered',
      async () =>
        (await v[0]!.call('exchange.preview', { market: 'memory', side: 'sell', price: '1', quantity: '1' }))
          .problems.length === 0,
      60_000,
    )
  }, 240_000)

  afterAll(async () => {
    await Promise.all((net?.daemons ?? []).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('matches by price then time, identically on every validator', async () => {
    for (const [price, quantity] of [
      ['100', '5'],
      ['120', '5'],
      ['110', '2'],
    ] as const)
      await v[0]!.call('exchange.place', { market: 'memory', side: 'sell', price, quantity })
    await settled(v[0]!)

    // V2 buys from its wallet's account (a validator's own account also earns block fees).
    const buyer = await fundedWallet(v[1]!, '100000')
    const draft = { market: 'memory', side: 'buy', price: '115', quantity: '6', from: buyer } as const
    const preview = await v[1]!.call('exchange.preview', draft)
    expect(preview).toMatchObject({
      fillsNow: '6',
      averagePrice: '101.6666',
      fillValue: '610',
      rests: '0',
      holds: '690',
      problems: [],
    })
    const before = await balanceOf(v[1]!, buyer)
    const placed = await v[1]!.call('exchange.place', draft)
    const bid = await v[2]!.call('exchange.place', {
      market: 'memory',
      side: 'buy',
      price: '90',
      quantity: '3',
    })
    await settled(v[1]!)
    await settled(v[2]!)
    expect((await settled(v[2]!)).find((o) => o.orderId === bid.orderId)?.state).toBe('open')
    await v[2]!.call('exchange.cancel', { orderId: bid.orderId })
    await waitFor(
      'the cancel to be committed',
      async () =>
        (await v[2]!.call('exchange.mine', {})).orders.find((o) => o.orderId === bid.orderId)?.state ===
        'cancelled',
    )

    // V2 paid the asks' prices, 5 × 100 + 1 × 110, and the fee; nothing of its 115 limit is held.
    const fee = BigInt((await chainStatus(v[1]!)).minFee)
    expect(await balanceOf(v[1]!, buyer)).toBe(before - 610n - fee)
    const mine = await v[1]!.call('exchange.mine', {})
    expect(mine.orders.find((o) => o.orderId === placed.orderId)).toMatchObject({
      state: 'filled',
      remaining: '0',
    })
    expect(mine.trades.map((t) => [t.price, t.quantity, t.takerSide]).sort()).toEqual([
      ['100', '5', 'buy'],
      ['110', '1', 'buy'],
    ])
    expect(mine.trades.every((t) => t.buyer === buyer && t.status === 'open')).toBe(true)

    // The seller sees the same fills, one ask partly filled and one untouched.
    const sellerView = await v[0]!.call('exchange.mine', {})
    expect(sellerView.trades.map((t) => t.fillId).sort()).toEqual(mine.trades.map((t) => t.fillId).sort())
    expect(sellerView.orders.map((o) => [o.price, o.state, o.remaining]).sort()).toEqual([
      ['100', 'filled', '0'],
      ['110', 'partial', '1'],
      ['120', 'open', '5'],
    ])

    // The trade is in both histories: the buyer's wallet account on V2, the seller's account on V1.
    const seller = (await chainStatus(v[0]!)).self.address
    const buyerHistory = await v[1]!.call('chain.history', { account: buyer, categories: ['trades'] })
    expect(buyerHistory.entries.filter((e) => e.kind === 'fill').map((e) => e.counterparty)).toEqual([
      seller,
      seller,
    ])
    expect(buyerHistory.entries.find((e) => e.kind === 'order-buy')).toMatchObject({
      status: 'committed',
      balanceChange: (-(610n + fee)).toString(),
    })
    const sellerHistory = await v[0]!.call('chain.history', { account: seller, categories: ['trades'] })
    expect(sellerHistory.entries.filter((e) => e.kind === 'fill').map((e) => e.counterparty)).toEqual([
      buyer,
      buyer,
    ])

    // Every validator, at one height, holds the same book and fills; and one block at every height.
    let books: OrderBook[] = []
    await waitFor(
      'every validator to show the book at one height',
      async () => {
        books = await Promise.all(v.map((d) => d.call('exchange.book', { market: 'memory' })))
        return books.every((b) => b.height === books[0]!.height)
      },
      60_000,
    )
    for (const book of books) expect(book).toEqual(books[0])
    const height = books[0]!.height
    expect(books[0]!.asks).toEqual([
      { price: '110', quantity: '1', orders: 1 },
      { price: '120', quantity: '5', orders: 1 },
    ])
    expect(books[0]!.bids).toEqual([])
    for (let h = 1; h <= height; h++) expect(new Set(await hashesAt(v, h)).size, `height ${h}`).toBe(1)
  })

  it('delivers a fill: the holder takes the lease, uses it, and its receipts pay the seller from the escrow', async () => {
    const buyer = (await v[1]!.call('wallet.status', {})).accounts[0]!.address
    await v[1]!.call('chain.transfer', { to: buyer, amount: '80000000000' })
    await waitFor(
      'the wallet to be funded',
      async () => (await balanceOf(v[1]!, buyer)) >= 80000000000n,
      60_000,
    )
    // A price high enough that a few milliseconds of 64 MiB pay whole units; the buy takes the cheaper
    // asks left from the first test (1 at 110, 5 at 120) first, by price priority.
    await v[0]!.call('exchange.place', {
      market: 'memory',
      side: 'sell',
      price: '10000000000',
      quantity: '1',
    })
    await settled(v[0]!)
    await v[1]!.call('exchange.place', {
      market: 'memory',
      side: 'buy',
      price: '10000000000',
      quantity: '7',
      from: buyer,
    })
    await settled(v[1]!)
    const fill = (await v[1]!.call('exchange.mine', {})).trades.find((t) => t.price === '10000000000')!
    expect(fill).toMatchObject({ held: '10000000000', status: 'open' })

    const refused = await v[2]!.callRaw('exchange.takeDelivery', { fillId: fill.fillId, minutes: 5 })
    expect(refused).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/bought for holder/) },
    })
    const delivered = await v[1]!.call('exchange.takeDelivery', { fillId: fill.fillId, minutes: 5 })
    expect(JSON.parse(delivered.lease).terms.leaseId).toBe(fill.fillId)
    expect(delivered.owner).toBe(v[0]!.peerId)
    const again = await v[1]!.call('exchange.takeDelivery', { fillId: fill.fillId, minutes: 5 })
    expect(again.lease).toBe(delivered.lease)

    await v[1]!.call('assets.probeLease', { lease: delivered.lease })
    const heldOf = async (node: Daemon) =>
      BigInt((await node.call('exchange.mine', {})).trades.find((t) => t.fillId === fill.fillId)!.held)
    await waitFor(
      'the seller to release the use from the escrow',
      async () => (await heldOf(v[0]!)) < 10000000000n,
      60_000,
    )
    await waitFor('the buyer to see it', async () => (await heldOf(v[1]!)) < 10000000000n, 60_000)
    const seller = (await chainStatus(v[0]!)).self.address
    const history = await v[0]!.call('chain.history', { account: seller, categories: ['escrow'] })
    expect(history.entries.find((e) => e.kind === 'lease-release')).toMatchObject({ status: 'committed' })
  })

  it("offers the owner's terms: hours of its allocation at its minimum price per market unit", async () => {
    const free = await v[0]!.callRaw('exchange.offerShare', { resource: 'memory', hours: 2 })
    expect(free).toMatchObject({ ok: false, error: { message: expect.stringMatching(/shared for free/) } })
    await v[0]!.call('sharing.update', {
      resource: 'memory',
      settings: {
        ...defaultSharing('memory'),
        enabled: true,
        privacy: 'FullPublic',
        allocationPercent: 10,
        minPricePerHour: '1000000',
      },
    })
    const offer = await v[0]!.call('exchange.offerShare', { resource: 'memory', hours: 2 })
    expect(offer.unit).toBe('GiB-hour')
    expect(BigInt(offer.quantity)).toBeGreaterThan(0n)
    const orders = await settled(v[0]!)
    expect(orders.find((o) => o.orderId === offer.orderId)).toMatchObject({
      side: 'sell',
      price: offer.price,
      state: 'open',
    })
  })
})
