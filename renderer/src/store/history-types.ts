/** The wallet view's history part of the store's shape: the state it holds and the actions that change it. */
import type { HistoryCategory, HistoryEntry } from '../../../shared/api'
import type { Outcome } from './types'

export interface HistoryArea {
  /** The account whose history is shown (a wallet account or the node's own); null until the view picks one. */
  account: string | null
  /** The categories shown, in HISTORY_CATEGORIES order; empty: every category. */
  categories: HistoryCategory[]
  /** Pending first, then newest first: the first page and the older pages loaded since; null until read. */
  entries: HistoryEntry[] | null
  /** Pass as beforeHeight for the next older page; null once the start of the chain is loaded. */
  nextBeforeHeight: number | null
  /** Whether an older page is on its way. */
  loadingOlder: boolean
  /** How many entries a running export has gathered so far; null when no export is running. */
  exported: number | null
}

/** Every entry of one account (and filter) for a file, newest first. */
export interface HistoryExport {
  account: string
  entries: HistoryEntry[]
  /** False when the export stopped at its page limit before the start of the chain. */
  complete: boolean
}

export interface HistoryActions {
  /** Shows an account's history, filtered by `categories` (empty: all), from its newest entries. */
  showHistory(account: string, categories: readonly HistoryCategory[]): Promise<void>
  /** Reads the newest page again (pending entries turn committed), keeping the older pages loaded. */
  refreshHistory(): Promise<void>
  /** Reads the newest page now and again while the view is shown. Returns stop. */
  watchHistory(): () => void
  /** Reads the page before the oldest entry shown; how many entries it added, or why not. */
  loadOlderHistory(): Promise<Outcome<number>>
  /** Reads every page of the account and filter shown (up to a limit), for a CSV file. */
  exportHistory(): Promise<Outcome<HistoryExport>>
}
