/**
 * The exchange view's part of the store: the markets, the book of the market shown, and this node's
 * orders and trades, read when the view opens and every few seconds while it is shown; and the person's
 * orders, cancels and offers of its shared allocation, each followed by a read so the view shows them at
 * once; and the delivery of the fills it holds (their leases asked of the sellers, and used).
 */
import type { Market, OrderBook } from '../../../shared/api'
import type { ExchangeActions, ExchangeArea } from './exchange-types'
import { outcomeOf, watchEvery, type WatchedSliceParts } from './slice'

/** Books move with each block (a few seconds apart); the view follows at about that pace. */
export const EXCHANGE_POLL_MS = 3_000

export const emptyExchangeArea = (): ExchangeArea => ({
  markets: null,
  market: 'cpu',
  book: null,
  mine: null,
  placing: false,
  cancelling: null,
  delivering: null,
  usingLease: false,
  offering: false,
})

export function createExchangeActions(parts: WatchedSliceParts<'exchange'>): ExchangeActions {
  const { api, get, set, read, failed } = parts
  const setExchange = (patch: Partial<ExchangeArea>): void =>
    set({ exchange: { ...get().exchange, ...patch } })

  const applyBook = (book: OrderBook): void => {
    // A book asked for before the person picked another market is not the one shown.
    if (get().exchange.market === book.market) setExchange({ book })
  }
  const readBook = (market: Market): Promise<void> =>
    read('exchange', () => api.call('exchange.book', { market }), applyBook)

  /**
   * The three reads at once, each applied once all have answered; the first failure is the area’s error. (Three
   * separate reads would each clear the error another had just set.)
   */
  const readAll = async (): Promise<void> => {
    const [markets, book, mine] = await Promise.allSettled([
      api.call('exchange.markets', {}),
      api.call('exchange.book', { market: get().exchange.market }),
      api.call('exchange.mine', {}),
    ])
    if (markets.status === 'fulfilled') setExchange({ markets: markets.value })
    if (book.status === 'fulfilled') applyBook(book.value)
    if (mine.status === 'fulfilled') setExchange({ mine: mine.value })
    const failure = [markets, book, mine].find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure != null) throw failure.reason
  }

  const actions: ExchangeActions = {
    refreshExchange: () => read('exchange', readAll, () => {}),

    watchExchange: () => watchEvery(parts, EXCHANGE_POLL_MS, () => actions.refreshExchange()),

    selectMarket(market) {
      if (get().exchange.market === market) return
      setExchange({ market, book: null })
      void readBook(market)
    },

    previewOrder: (draft) => outcomeOf(() => api.call('exchange.preview', draft), failed),

    async placeOrder(draft) {
      if (get().exchange.placing) return { ok: false, message: 'an order is being placed; wait for it' }
      setExchange({ placing: true })
      const outcome = await outcomeOf(() => api.call('exchange.place', draft), failed)
      setExchange({ placing: false })
      if (outcome.ok) await actions.refreshExchange()
      return outcome
    },

    async cancelOrder(orderId) {
      if (get().exchange.cancelling != null)
        return { ok: false, message: 'another cancel is being submitted; wait for it' }
      setExchange({ cancelling: orderId })
      const outcome = await outcomeOf(() => api.call('exchange.cancel', { orderId }), failed)
      setExchange({ cancelling: null })
      if (outcome.ok) await actions.refreshExchange()
      return outcome
    },

    // Delivery moves nothing on the ledger until the seller claims with the receipts: nothing to read again.
    async takeDelivery(request) {
      if (get().exchange.delivering != null)
        return { ok: false, message: 'a lease is being asked for; wait for it' }
      setExchange({ delivering: request.fillId })
      const outcome = await outcomeOf(() => api.call('exchange.takeDelivery', request), failed)
      setExchange({ delivering: null })
      return outcome
    },

    async probeDelivery(lease) {
      if (get().exchange.usingLease) return { ok: false, message: 'the lease is being used; wait for it' }
      setExchange({ usingLease: true })
      const outcome = await outcomeOf(() => api.call('assets.probeLease', { lease }), failed)
      setExchange({ usingLease: false })
      return outcome
    },

    async offerShare(request) {
      if (get().exchange.offering) return { ok: false, message: 'an offer is being placed; wait for it' }
      setExchange({ offering: true })
      const outcome = await outcomeOf(() => api.call('exchange.offerShare', request), failed)
      setExchange({ offering: false })
      if (outcome.ok) await actions.refreshExchange()
      return outcome
    },
  }
  return actions
}
