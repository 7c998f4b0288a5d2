/** An account's history as a CSV file (RFC 4180): one row per entry, amounts in base units as the node gives them. */
import type { HistoryEntry } from '../../../../shared/api'

export const HISTORY_CSV_HEADER = [
  'status',
  'height',
  'time_iso',
  'tx_id',
  'kind',
  'category',
  'balance_change',
  'stake_change',
  'fee',
  'counterparty',
] as const

/** A whole number with an optional sign: safe as it is in any spreadsheet. */
const NUMBER = /^-?[0-9]+$/
/** Text a spreadsheet would run as a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One field as RFC 4180 writes it: quoted (its quotes doubled) when it holds a comma, a quote or a line
 * break. Text that a spreadsheet would read as a formula is prefixed with a quote first; numbers are not.
 */
export function csvField(value: string): string {
  const safe = !NUMBER.test(value) && FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** One entry's fields, in the header's order (an absent height, transaction or counterparty is empty). */
export const historyCsvRow = (entry: HistoryEntry): string[] => [
  entry.status,
  entry.height == null ? '' : String(entry.height),
  Number.isFinite(entry.timeMs) ? new Date(entry.timeMs).toISOString() : '',
  entry.txId ?? '',
  entry.kind,
  entry.category,
  entry.balanceChange,
  entry.stakeChange,
  entry.fee,
  entry.counterparty ?? '',
]

/** The whole file: the header, then one line per entry, each line ended by CRLF. */
export function historyCsv(entries: readonly HistoryEntry[]): string {
  const lines = [[...HISTORY_CSV_HEADER], ...entries.map(historyCsvRow)]
  return lines.map((fields) => fields.map(csvField).join(',') + '\r\n').join('')
}

/** "hypermesh-history-3f9a0c2e.csv": the account's first eight characters name the file. */
export const historyCsvFileName = (account: string): string => `hypermesh-history-${account.slice(0, 8)}.csv`
