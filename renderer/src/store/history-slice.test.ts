/**
 * The account history through the store, against the real client code: chain.history is asked exactly as
 * the contract says (categories only when filtered, beforeHeight for older pages, 500 a page to export);
 * older pages stay while the newest is read again; an answer for an account no longer shown is dropped.
 */
import { describe, expect, it, vi } from 'vitest'
import { ApiError, HistoryQuery, type HistoryPage } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge } from '../testing/fake-bridge'
import { sampleEntry, sampleHistoryPage, samplePendingEntry } from '../testing/sample-history'
import { sampleAddresses } from '../testing/sample-wallet'
import { expectWatchedUntilStopped, gate } from '../testing/timing'
import {
  EXPORT_MAX_PAGES,
  EXPORT_PAGE_SIZE,
  HISTORY_PAGE_SIZE,
  historyQuery,
  mergeNewestPage,
  orderedCategories,
} from './history-slice'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'

const [MINE, THEIRS] = sampleAddresses as [string, string]

/** An older page: entries at heights 20 and 12, the start of the chain below. */
const olderPage = (): HistoryPage => ({
  entries: [
    sampleEntry({ height: 20, txId: 'e3'.repeat(32) }),
    sampleEntry({ height: 12, txId: 'f4'.repeat(32) }),
  ],
  nextBeforeHeight: null,
})

/** A node that answers chain.history with `answer` (checking each query against the contract's schema). */
function historyBridge(answer: (query: HistoryQuery) => HistoryPage | Promise<HistoryPage>) {
  const bridge = createFakeBridge({
    'chain.history': (params) => answer(HistoryQuery.parse(params)),
  })
  const store = createHyperMeshStore(createApiClient(bridge), {
    visibility: alwaysVisible,
    historyEveryMs: 10,
  })
  const queries = (): unknown[] => bridge.paramsOf('chain.history')
  return {
    bridge,
    store,
    queries,
    actions: () => store.getState().actions,
    history: () => store.getState().history,
  }
}

/** The first page for queries from the newest, the older page for the rest. */
const pagedAnswer = (query: HistoryQuery): HistoryPage =>
  query.beforeHeight == null ? sampleHistoryPage() : olderPage()

describe('the history query', () => {
  it('sends no categories for all, and the chosen ones once each in the contract’s order', () => {
    expect(historyQuery(MINE, [], 100)).toEqual({ account: MINE, limit: 100 })
    expect(historyQuery(MINE, ['trades', 'sent', 'trades'], 100)).toEqual({
      account: MINE,
      categories: ['sent', 'trades'],
      limit: 100,
    })
    expect(orderedCategories(['other', 'escrow', 'received'])).toEqual(['received', 'escrow', 'other'])
  })

  it('asks for blocks below a height for an older page, and every query fits the contract', () => {
    const query = historyQuery(MINE, ['rewards'], 500, 31)
    expect(query).toEqual({ account: MINE, categories: ['rewards'], beforeHeight: 31, limit: 500 })
    expect(HistoryQuery.safeParse(query).success).toBe(true)
    expect(HistoryQuery.safeParse(historyQuery(MINE, [], 100)).success).toBe(true)
  })
})

describe('the newest page read again', () => {
  const held = { entries: [...sampleHistoryPage().entries, ...olderPage().entries], nextBeforeHeight: null }

  it('replaces the entries it covers and keeps the older ones loaded, and how far back they reach', () => {
    const committed = sampleEntry({ ...samplePendingEntry(), status: 'committed', height: 41 })
    const page = sampleHistoryPage({ entries: [committed, sampleEntry()], nextBeforeHeight: 40 })
    const merged = mergeNewestPage(held, page)
    expect(merged.entries?.map((e) => [e.status, e.height])).toEqual([
      ['committed', 41],
      ['committed', 40],
      ['committed', 35],
      ['committed', 31],
      ['committed', 20],
      ['committed', 12],
    ])
    expect(merged.nextBeforeHeight).toBeNull()
    expect(mergeNewestPage({ ...held, nextBeforeHeight: 12 }, page).nextBeforeHeight).toBe(12)
  })

  it('is the whole history when it reaches the start of the chain, or when nothing was held', () => {
    const page = sampleHistoryPage({ nextBeforeHeight: null })
    expect(mergeNewestPage(held, page)).toEqual({ entries: page.entries, nextBeforeHeight: null })
    const first = sampleHistoryPage()
    expect(mergeNewestPage({ entries: null, nextBeforeHeight: null }, first)).toEqual({
      entries: first.entries,
      nextBeforeHeight: 31,
    })
  })
})

describe('an account’s history in the store', () => {
  it('reads the newest page of the account shown, with the categories chosen', async () => {
    const { actions, queries, history } = historyBridge(pagedAnswer)
    await actions().showHistory(MINE, [])
    expect(queries()).toEqual([{ account: MINE, limit: HISTORY_PAGE_SIZE }])
    expect(history().entries).toEqual(sampleHistoryPage().entries)
    expect(history().nextBeforeHeight).toBe(31)

    await actions().showHistory(MINE, ['trades', 'sent'])
    expect(queries()[1]).toEqual({ account: MINE, categories: ['sent', 'trades'], limit: HISTORY_PAGE_SIZE })
    expect(history().categories).toEqual(['sent', 'trades'])
  })

  it('reads nothing before an account is chosen', async () => {
    const { actions, bridge } = historyBridge(pagedAnswer)
    await actions().refreshHistory()
    expect(await actions().loadOlderHistory()).toEqual({ ok: true, value: 0 })
    expect(bridge.callsOf('chain.history')).toBe(0)
  })

  it('loads the older page before the oldest entry shown, and no more at the start of the chain', async () => {
    const { actions, queries, history } = historyBridge(pagedAnswer)
    await actions().showHistory(MINE, ['received'])
    expect(await actions().loadOlderHistory()).toEqual({ ok: true, value: 2 })
    expect(queries()[1]).toEqual({
      account: MINE,
      categories: ['received'],
      beforeHeight: 31,
      limit: HISTORY_PAGE_SIZE,
    })
    expect(history().entries?.map((e) => e.height)).toEqual([null, 40, 35, 31, 20, 12])
    expect(history().nextBeforeHeight).toBeNull()
    expect(await actions().loadOlderHistory()).toEqual({ ok: true, value: 0 })
    expect(queries()).toHaveLength(2)
  })

  it('turns a pending entry committed when read again, keeping the older pages loaded', async () => {
    let settled = false
    const { actions, history } = historyBridge((query) => {
      if (query.beforeHeight != null) return olderPage()
      if (!settled) return sampleHistoryPage()
      const [pending, ...rest] = sampleHistoryPage().entries
      return sampleHistoryPage({ entries: [{ ...pending!, status: 'committed', height: 41 }, ...rest] })
    })
    await actions().showHistory(MINE, [])
    await actions().loadOlderHistory()
    settled = true
    await actions().refreshHistory()
    expect(history().entries?.map((e) => `${e.status}@${e.height}`)).toEqual([
      'committed@41',
      'committed@40',
      'committed@35',
      'committed@31',
      'committed@20',
      'committed@12',
    ])
    expect(history().nextBeforeHeight).toBeNull()
  })

  it('drops an answer for an account no longer shown', async () => {
    const slow = gate<HistoryPage>()
    const { actions, history } = historyBridge((query) =>
      query.account === MINE ? slow.promise : sampleHistoryPage({ entries: [], nextBeforeHeight: null }),
    )
    const first = actions().showHistory(MINE, [])
    await actions().showHistory(THEIRS, [])
    slow.open(sampleHistoryPage())
    await first
    expect(history().account).toBe(THEIRS)
    expect(history().entries).toEqual([])
  })

  it('says in the node’s words why the history could not be read, until it can', async () => {
    const { actions, bridge, store, history } = historyBridge(() => {
      throw new ApiError('UNKNOWN_METHOD', 'no handler for chain.history')
    })
    await actions().showHistory(MINE, [])
    expect(store.getState().errors.history).toBe('no handler for chain.history')
    expect(history().entries).toBeNull()
    bridge.handle('chain.history', () => sampleHistoryPage())
    await actions().refreshHistory()
    expect(store.getState().errors.history).toBeUndefined()
    expect(history().entries).toHaveLength(4)
  })

  it('says why older entries could not be read, and keeps what is shown', async () => {
    const { actions, bridge, history } = historyBridge(pagedAnswer)
    await actions().showHistory(MINE, [])
    bridge.handle('chain.history', () => {
      throw new ApiError('INTERNAL', 'the history index is being rebuilt')
    })
    expect(await actions().loadOlderHistory()).toEqual({
      ok: false,
      message: 'the history index is being rebuilt',
    })
    expect(history().entries).toHaveLength(4)
    expect(history().nextBeforeHeight).toBe(31)
    expect(history().loadingOlder).toBe(false)
  })

  it('reads the newest page again and again while watched, and stops when told', async () => {
    vi.useFakeTimers()
    try {
      const { actions, bridge } = historyBridge(pagedAnswer)
      await actions().showHistory(MINE, [])
      await expectWatchedUntilStopped(bridge, 'chain.history', () => actions().watchHistory(), 4)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('exporting an account’s history', () => {
  it('reads every page, 500 at a time, each below the last, until the start of the chain', async () => {
    const progress: (number | null)[] = []
    const { actions, queries, store } = historyBridge((query) =>
      query.beforeHeight == null
        ? sampleHistoryPage({ nextBeforeHeight: 31 })
        : query.beforeHeight === 31
          ? { entries: olderPage().entries, nextBeforeHeight: 12 }
          : { entries: [sampleEntry({ height: 3 })], nextBeforeHeight: null },
    )
    await actions().showHistory(MINE, ['sent', 'received'])
    store.subscribe((s) => progress.push(s.history.exported))
    const outcome = await actions().exportHistory()
    const exportQueries = queries().slice(1)
    expect(exportQueries).toEqual([
      { account: MINE, categories: ['sent', 'received'], limit: EXPORT_PAGE_SIZE },
      { account: MINE, categories: ['sent', 'received'], beforeHeight: 31, limit: EXPORT_PAGE_SIZE },
      { account: MINE, categories: ['sent', 'received'], beforeHeight: 12, limit: EXPORT_PAGE_SIZE },
    ])
    expect(outcome.ok && outcome.value.complete).toBe(true)
    expect(outcome.ok && outcome.value.account).toBe(MINE)
    expect(outcome.ok && outcome.value.entries.map((e) => e.height)).toEqual([null, 40, 35, 31, 20, 12, 3])
    expect(progress).toEqual([0, 4, 6, 7, null])
  })

  it('stops after 20 pages and says the file is not complete', async () => {
    const { actions, queries } = historyBridge((query) => ({
      entries: [sampleEntry({ height: (query.beforeHeight ?? 1000) - 1 })],
      nextBeforeHeight: (query.beforeHeight ?? 1000) - 1,
    }))
    await actions().showHistory(MINE, [])
    const outcome = await actions().exportHistory()
    expect(queries()).toHaveLength(1 + EXPORT_MAX_PAGES)
    expect(queries().at(-1)).toEqual({ account: MINE, beforeHeight: 981, limit: EXPORT_PAGE_SIZE })
    expect(outcome.ok && outcome.value.complete).toBe(false)
    expect(outcome.ok && outcome.value.entries).toHaveLength(EXPORT_MAX_PAGES)
  })

  it('says why an export stopped, and can run again', async () => {
    const { actions, bridge, history } = historyBridge(pagedAnswer)
    await actions().showHistory(MINE, [])
    bridge.handle('chain.history', (query) => {
      if (query.beforeHeight == null) return sampleHistoryPage()
      throw new ApiError('DISCONNECTED', 'the connection to the node was lost')
    })
    expect(await actions().exportHistory()).toEqual({
      ok: false,
      message: 'the connection to the node was lost',
    })
    expect(history().exported).toBeNull()
    bridge.handle('chain.history', pagedAnswer)
    const again = await actions().exportHistory()
    expect(again.ok && again.value.entries).toHaveLength(6)
  })

  it('runs one export at a time, and none before an account is chosen', async () => {
    const slow = gate<HistoryPage>()
    const { actions } = historyBridge(() => slow.promise)
    expect(await actions().exportHistory()).toEqual({
      ok: false,
      message: 'pick an account in the History card first',
    })
    const first = actions().showHistory(MINE, [])
    const running = actions().exportHistory()
    expect(await actions().exportHistory()).toEqual({
      ok: false,
      message: 'an export is running; wait for it to finish',
    })
    slow.open(sampleHistoryPage({ nextBeforeHeight: null }))
    await Promise.all([first, running])
  })
})
