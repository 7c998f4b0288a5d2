import { describe, expect, it } from 'vitest'
import { ApiError, type Market, type OrderBook } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge, type FakeHandlers } from '../testing/fake-bridge'
import {
  emptyBook,
  sampleBook,
  sampleDelivered,
  sampleMarkets,
  sampleMine,
  samplePreview,
  sampleProbe,
  sampleShareOffer,
} from '../testing/sample-exchange'
import { gate } from '../testing/timing'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'

const ORDER_ID = 'e1'.repeat(32)
const TX_ID = 'f2'.repeat(32)

/** A node's exchange in memory: its markets, a book per market, and this node's orders. */
function exchangeBridge(extra: FakeHandlers = {}) {
  const bridge = createFakeBridge({
    'exchange.markets': () => sampleMarkets,
    'exchange.book': ({ market }) => (market === 'cpu' ? sampleBook() : emptyBook(market)),
    'exchange.mine': () => sampleMine(),
    'exchange.preview': () => samplePreview(),
    'exchange.place': () => ({ orderId: ORDER_ID, txId: TX_ID }),
    'exchange.cancel': () => ({ txId: TX_ID }),
    ...extra,
  })
  const store = createHyperMeshStore(createApiClient(bridge), {
    visibility: alwaysVisible,
    exchangeEveryMs: 10,
  })
  return { bridge, store, paramsOf: bridge.paramsOf, exchange: () => store.getState().exchange }
}

/** Waits until `check` holds, failing after a deadline. */
async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('reading the exchange', () => {
  it('reads the markets, the CPU book and this node’s orders and trades', async () => {
    const { store, exchange, paramsOf } = exchangeBridge()
    await store.getState().actions.refreshExchange()
    expect(exchange().markets).toEqual(sampleMarkets)
    expect(exchange().book).toEqual(sampleBook())
    expect(exchange().mine).toEqual(sampleMine())
    expect(paramsOf('exchange.book')).toEqual([{ market: 'cpu' }])
  })

  it('reads another market’s book when it is selected, dropping an older answer for the last one', async () => {
    const slowCpu = gate<OrderBook>()
    const { store, exchange, paramsOf } = exchangeBridge({
      'exchange.book': ({ market }) => (market === 'cpu' ? slowCpu.promise : emptyBook(market)),
    })
    const refreshed = store.getState().actions.refreshExchange()
    store.getState().actions.selectMarket('gpu')
    expect(exchange()).toMatchObject({ market: 'gpu', book: null })
    await until(() => exchange().book?.market === 'gpu')
    slowCpu.open(sampleBook())
    await refreshed
    expect(exchange().book?.market).toBe('gpu')
    expect(paramsOf('exchange.book')).toEqual([{ market: 'cpu' }, { market: 'gpu' }])
  })

  it('keeps reading every few seconds while watched, and stops when told', async () => {
    const { bridge, store } = exchangeBridge()
    const stop = store.getState().actions.watchExchange()
    await until(() => bridge.callsOf('exchange.mine') >= 3)
    stop()
    const calls = bridge.callsOf('exchange.mine')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(bridge.callsOf('exchange.mine')).toBeLessThanOrEqual(calls + 1)
  })

  it('says why the exchange could not be read, until a read succeeds', async () => {
    let down = true
    const { store } = exchangeBridge({
      'exchange.markets': () => {
        if (down) throw new ApiError('INTERNAL', 'this node follows no ledger yet')
        return sampleMarkets
      },
    })
    await store.getState().actions.refreshExchange()
    expect(store.getState().errors.exchange).toBe('this node follows no ledger yet')
    down = false
    await store.getState().actions.refreshExchange()
    expect(store.getState().errors.exchange).toBeUndefined()
  })
})

describe('placing and cancelling orders', () => {
  const draft = { market: 'cpu' as Market, side: 'buy' as const, price: '1100000', quantity: '3' }

  it('previews an order with exactly the draft', async () => {
    const { store, paramsOf } = exchangeBridge()
    const outcome = await store.getState().actions.previewOrder({ ...draft, from: 'ab'.repeat(20) })
    expect(outcome).toEqual({ ok: true, value: samplePreview() })
    expect(paramsOf('exchange.preview')).toEqual([{ ...draft, from: 'ab'.repeat(20) }])
  })

  it('places an order with the draft, says its id, and reads this node’s orders again', async () => {
    const placed = gate<{ orderId: string; txId: string }>()
    const { store, exchange, paramsOf, bridge } = exchangeBridge({ 'exchange.place': () => placed.promise })
    const placing = store.getState().actions.placeOrder(draft)
    expect(exchange().placing).toBe(true)
    expect(await store.getState().actions.placeOrder(draft)).toMatchObject({ ok: false })
    placed.open({ orderId: ORDER_ID, txId: TX_ID })
    expect(await placing).toEqual({ ok: true, value: { orderId: ORDER_ID, txId: TX_ID } })
    expect(exchange().placing).toBe(false)
    expect(paramsOf('exchange.place')).toEqual([draft])
    expect(bridge.callsOf('exchange.mine')).toBe(1)
    expect(bridge.callsOf('exchange.book')).toBe(1)
  })

  it('says in the node’s words why an order was not placed, and reads nothing again', async () => {
    const { store, bridge } = exchangeBridge({
      'exchange.place': () => {
        throw new ApiError('BAD_REQUEST', 'the wallet is locked')
      },
    })
    expect(await store.getState().actions.placeOrder(draft)).toEqual({
      ok: false,
      message: 'the wallet is locked',
    })
    expect(store.getState().exchange.placing).toBe(false)
    expect(bridge.callsOf('exchange.mine')).toBe(0)
  })

  it('cancels an order by its id, one at a time, then reads this node’s orders again', async () => {
    const cancelled = gate<{ txId: string }>()
    const { store, exchange, paramsOf, bridge } = exchangeBridge({
      'exchange.cancel': () => cancelled.promise,
    })
    const cancelling = store.getState().actions.cancelOrder(ORDER_ID)
    expect(exchange().cancelling).toBe(ORDER_ID)
    expect(await store.getState().actions.cancelOrder('0b'.repeat(32))).toMatchObject({ ok: false })
    cancelled.open({ txId: TX_ID })
    expect(await cancelling).toEqual({ ok: true, value: { txId: TX_ID } })
    expect(exchange().cancelling).toBeNull()
    expect(paramsOf('exchange.cancel')).toEqual([{ orderId: ORDER_ID }])
    expect(bridge.callsOf('exchange.mine')).toBe(1)
  })
})

describe('taking delivery and offering the shared allocation', () => {
  const FILL_ID = '7a'.repeat(32)
  const delivered = sampleDelivered()
  const probed = sampleProbe()
  const offer = sampleShareOffer()

  it('asks for a fill’s lease with exactly the request, one at a time, and reads nothing again', async () => {
    const asked = gate<typeof delivered>()
    const { store, exchange, paramsOf, bridge } = exchangeBridge({
      'exchange.takeDelivery': () => asked.promise,
    })
    const request = { fillId: FILL_ID, minutes: 60, amountBytes: 64 * 1024 ** 2 }
    const taking = store.getState().actions.takeDelivery(request)
    expect(exchange().delivering).toBe(FILL_ID)
    expect(await store.getState().actions.takeDelivery({ fillId: FILL_ID, minutes: 5 })).toMatchObject({
      ok: false,
    })
    asked.open(delivered)
    expect(await taking).toEqual({ ok: true, value: delivered })
    expect(exchange().delivering).toBeNull()
    expect(paramsOf('exchange.takeDelivery')).toEqual([request])
    expect(bridge.callsOf('exchange.mine')).toBe(0)
  })

  it('says in the node’s words why the seller gave no lease', async () => {
    const { store, exchange } = exchangeBridge({
      'exchange.takeDelivery': () => {
        throw new ApiError('BAD_REQUEST', 'fill 7a7a was bought for holder 12D3KooWother')
      },
    })
    expect(
      await store.getState().actions.takeDelivery({ fillId: FILL_ID, minutes: 60, millicores: 1000 }),
    ).toEqual({ ok: false, message: 'fill 7a7a was bought for holder 12D3KooWother' })
    expect(exchange().delivering).toBeNull()
  })

  it('uses a delivered lease once with exactly its text, one use at a time', async () => {
    const used = gate<typeof probed>()
    const { store, exchange, paramsOf } = exchangeBridge({ 'assets.probeLease': () => used.promise })
    const using = store.getState().actions.probeDelivery(delivered.lease)
    expect(exchange().usingLease).toBe(true)
    expect(await store.getState().actions.probeDelivery(delivered.lease)).toMatchObject({ ok: false })
    used.open(probed)
    expect(await using).toEqual({ ok: true, value: probed })
    expect(exchange().usingLease).toBe(false)
    expect(paramsOf('assets.probeLease')).toEqual([{ lease: delivered.lease }])
  })

  it('offers hours of the shared allocation, one offer at a time, then reads this node’s orders again', async () => {
    const offered = gate<typeof offer>()
    const { store, exchange, paramsOf, bridge } = exchangeBridge({
      'exchange.offerShare': () => offered.promise,
    })
    const offering = store.getState().actions.offerShare({ resource: 'cpu', hours: 24 })
    expect(exchange().offering).toBe(true)
    expect(await store.getState().actions.offerShare({ resource: 'cpu', hours: 1 })).toMatchObject({
      ok: false,
    })
    offered.open(offer)
    expect(await offering).toEqual({ ok: true, value: offer })
    expect(exchange().offering).toBe(false)
    expect(paramsOf('exchange.offerShare')).toEqual([{ resource: 'cpu', hours: 24 }])
    expect(bridge.callsOf('exchange.mine')).toBe(1)
  })

  it('says in the node’s words why nothing was offered, and reads nothing again', async () => {
    const refusal = 'cpu is shared for free; set a minimum price in Sharing to offer it on the exchange'
    const { store, bridge } = exchangeBridge({
      'exchange.offerShare': () => {
        throw new ApiError('BAD_REQUEST', refusal)
      },
    })
    expect(await store.getState().actions.offerShare({ resource: 'cpu', hours: 24 })).toEqual({
      ok: false,
      message: refusal,
    })
    expect(store.getState().exchange.offering).toBe(false)
    expect(bridge.callsOf('exchange.mine')).toBe(0)
  })
})
