/**
 * The wallet view's account history (chain.history): one account's entries, filtered by category, newest
 * first; older pages loaded on request and kept while the newest page is read again every few seconds (so
 * pending entries turn committed); and every page at once for a CSV export.
 */
import {
  HISTORY_CATEGORIES,
  type HistoryCategory,
  type HistoryEntry,
  type HistoryPage,
  type HistoryQuery,
} from '../../../shared/api'
import type { HistoryActions, HistoryArea, HistoryExport } from './history-types'
import { outcomeOf, watchEvery, type WatchedSliceParts } from './slice'

/** Blocks come a few seconds apart: pending entries turn committed at about that pace. */
export const HISTORY_POLL_MS = 5_000
/** Entries per page shown. */
export const HISTORY_PAGE_SIZE = 100
/** Entries per page read for an export (the most the node gives at once). */
export const EXPORT_PAGE_SIZE = 500
/** An export stops after this many pages (10 000 entries), so that it ends in reasonable time. */
export const EXPORT_MAX_PAGES = 20

export const emptyHistoryArea = (): HistoryArea => ({
  account: null,
  categories: [],
  entries: null,
  nextBeforeHeight: null,
  loadingOlder: false,
  exported: null,
})

/** Categories once each, in the contract's order (so the same filter is always asked the same way). */
export const orderedCategories = (categories: readonly HistoryCategory[]): HistoryCategory[] =>
  HISTORY_CATEGORIES.filter((category) => categories.includes(category))

/** The chain.history params for one page: no categories means all, so none are sent then. */
export function historyQuery(
  account: string,
  categories: readonly HistoryCategory[],
  limit: number,
  beforeHeight: number | null = null,
): HistoryQuery {
  const ordered = orderedCategories(categories)
  return {
    account,
    ...(ordered.length > 0 ? { categories: ordered } : {}),
    ...(beforeHeight != null ? { beforeHeight } : {}),
    limit,
  }
}

type HeldPages = Pick<HistoryArea, 'entries' | 'nextBeforeHeight'>

/**
 * The newest page read again, over what was held: the page replaces the entries it covers (its blocks
 * and the pending ones), and the older entries held below it stay, as does how far back they reach.
 */
export function mergeNewestPage(held: HeldPages, page: HistoryPage): HeldPages {
  const covered = page.nextBeforeHeight
  if (held.entries == null || covered == null) return { entries: page.entries, nextBeforeHeight: covered }
  const older = held.entries.filter((e) => e.status === 'committed' && e.height != null && e.height < covered)
  return {
    entries: [...page.entries, ...older],
    nextBeforeHeight: held.nextBeforeHeight == null ? null : Math.min(held.nextBeforeHeight, covered),
  }
}

export function createHistoryActions(parts: WatchedSliceParts<'history'>): HistoryActions {
  const { api, get, set, read, failed } = parts
  const setHistory = (patch: Partial<HistoryArea>): void => set({ history: { ...get().history, ...patch } })
  /** Bumped when another account or filter is shown, so an answer for the one before is dropped. */
  let shown = 0

  /** One page of the account and filter shown now. */
  const readPage = (limit: number, beforeHeight: number | null = null): Promise<HistoryPage> => {
    const { account, categories } = get().history
    if (account == null) throw new Error('no account is chosen: pick one in the History card')
    return api.call('chain.history', historyQuery(account, categories, limit, beforeHeight))
  }

  /** Every page of one account and filter, newest first, up to EXPORT_MAX_PAGES; progress in `exported`. */
  const readAllPages = async (
    account: string,
    categories: readonly HistoryCategory[],
  ): Promise<Omit<HistoryExport, 'account'>> => {
    const entries: HistoryEntry[] = []
    let before: number | null = null
    for (let page = 0; page < EXPORT_MAX_PAGES; page++) {
      const query = historyQuery(account, categories, EXPORT_PAGE_SIZE, before)
      const answer = await api.call('chain.history', query)
      entries.push(...answer.entries)
      setHistory({ exported: entries.length })
      if (answer.nextBeforeHeight == null) return { entries, complete: true }
      before = answer.nextBeforeHeight
    }
    return { entries, complete: false }
  }

  const actions: HistoryActions = {
    showHistory(account, categories) {
      shown++
      setHistory({
        account,
        categories: orderedCategories(categories),
        entries: null,
        nextBeforeHeight: null,
        loadingOlder: false,
      })
      return actions.refreshHistory()
    },

    refreshHistory() {
      if (get().history.account == null) return Promise.resolve()
      const started = shown
      return read(
        'history',
        () => readPage(HISTORY_PAGE_SIZE),
        (page) => {
          if (started === shown) setHistory(mergeNewestPage(get().history, page))
        },
      )
    },

    watchHistory: () => watchEvery(parts, HISTORY_POLL_MS, () => actions.refreshHistory()),

    async loadOlderHistory() {
      const { entries, nextBeforeHeight: before, loadingOlder } = get().history
      if (loadingOlder) return { ok: false, message: 'older entries are on their way; wait for them' }
      if (entries == null || before == null) return { ok: true, value: 0 }
      const started = shown
      setHistory({ loadingOlder: true })
      const outcome = await outcomeOf(() => readPage(HISTORY_PAGE_SIZE, before), failed)
      if (started !== shown) return { ok: true, value: 0 }
      const held = get().history
      if (!outcome.ok || held.nextBeforeHeight !== before || held.entries == null) {
        setHistory({ loadingOlder: false })
        return outcome.ok ? { ok: true, value: 0 } : outcome
      }
      const page = outcome.value
      setHistory({
        entries: [...held.entries, ...page.entries],
        nextBeforeHeight: page.nextBeforeHeight,
        loadingOlder: false,
      })
      return { ok: true, value: page.entries.length }
    },

    async exportHistory() {
      const { account, categories, exported } = get().history
      if (exported != null) return { ok: false, message: 'an export is running; wait for it to finish' }
      if (account == null) return { ok: false, message: 'pick an account in the History card first' }
      setHistory({ exported: 0 })
      const outcome = await outcomeOf(() => readAllPages(account, categories), failed)
      setHistory({ exported: null })
      return outcome.ok ? { ok: true, value: { account, ...outcome.value } } : outcome
    },
  }
  return actions
}
