/**
 * The history of one account (a wallet account or the node's own): every change to its balance or stake,
 * pending first, then newest first; filtered by category, older pages on request, and all of it as a CSV
 * file. Read again every few seconds while the view is shown, so pending entries turn committed.
 */
import { useEffect, useId, useMemo, useState } from 'react'
import {
  formatCaesar,
  HISTORY_CATEGORIES,
  type HistoryEntry,
  type WalletAccount,
} from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import type { HistoryArea } from '../../store/history-types'
import {
  selectActions,
  selectChainStatus,
  selectHistory,
  selectHistoryError,
  selectWalletContacts,
} from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { DataTable } from '../DataTable'
import { ErrorNotice } from '../Notice'
import { historyCsv, historyCsvFileName } from './history-csv'
import {
  CATEGORY_LABELS,
  chosenAccount,
  historyAccounts,
  historyKindLabel,
  historyStatusLabel,
  knownNames,
  isZeroAmount,
  signedCaesar,
  toggleCategory,
  withNextStep,
  type HistoryAccount,
} from './history-format'
import { saveFile } from './wallet-form'

export function HistoryCard({ accounts }: { accounts: readonly WalletAccount[] }) {
  const actions = useHyperMesh(selectActions)
  const chain = useHyperMesh(selectChainStatus)
  const history = useHyperMesh(selectHistory)
  const error = useHyperMesh(selectHistoryError)
  const contacts = useHyperMesh(selectWalletContacts)
  const offered = useMemo(() => historyAccounts(accounts, chain), [accounts, chain])
  const names = useMemo(() => knownNames(offered, contacts ?? []), [offered, contacts])
  const account = chosenAccount(history.account, offered)
  useEffect(() => actions.watchHistory(), [actions])
  useEffect(() => {
    if (account != null && account !== history.account) void actions.showHistory(account, history.categories)
  }, [actions, account, history.account, history.categories])
  return <HistoryPanel offered={offered} history={history} error={error ?? null} names={names} />
}

/** The card as it stands, for a given history (the store's, or a test's). */
export function HistoryPanel({
  offered,
  history,
  error,
  names,
}: {
  offered: readonly HistoryAccount[]
  history: HistoryArea
  /** Why the newest page could not be read; null when it was. */
  error: string | null
  /** Names of known addresses (this node's accounts, contacts), for the counterparty column. */
  names: ReadonlyMap<string, string>
}) {
  return (
    <Card title="History" className="span-12 wallet-history" testId="wallet-history">
      {offered.length === 0 ? (
        <EmptyState>No account to show yet: the node’s own appears once it follows a chain.</EmptyState>
      ) : (
        <>
          <HistoryFilters offered={offered} history={history} />
          {error != null && (
            <ErrorNotice headline="The history could not be read" role="status">
              {withNextStep(error, 'It is read again every few seconds; check that the node is running.')}
            </ErrorNotice>
          )}
          <HistoryEntries history={history} error={error} names={names} />
          <HistoryFooter history={history} />
        </>
      )}
    </Card>
  )
}

function HistoryFilters({ offered, history }: { offered: readonly HistoryAccount[]; history: HistoryArea }) {
  const actions = useHyperMesh(selectActions)
  const id = useId()
  const account = chosenAccount(history.account, offered) ?? ''
  return (
    <div className="history-filters">
      <span className="field">
        <label htmlFor={id}>Account</label>
        <select
          id={id}
          value={account}
          onChange={(e) => void actions.showHistory(e.target.value, history.categories)}
        >
          {offered.map((a) => (
            <option key={a.address} value={a.address}>
              {a.label}
            </option>
          ))}
        </select>
      </span>
      <div className="chips history-categories" role="group" aria-label="Show only">
        {HISTORY_CATEGORIES.map((category) => (
          <button
            key={category}
            type="button"
            className="chip history-chip"
            aria-pressed={history.categories.includes(category)}
            onClick={() => void actions.showHistory(account, toggleCategory(history.categories, category))}
          >
            {CATEGORY_LABELS[category]}
          </button>
        ))}
      </div>
    </div>
  )
}

function HistoryEntries({
  history,
  error,
  names,
}: {
  history: HistoryArea
  error: string | null
  names: ReadonlyMap<string, string>
}) {
  if (history.entries == null) return error == null ? <EmptyState>Reading the history…</EmptyState> : null
  if (history.entries.length === 0)
    return (
      <EmptyState testId="history-empty">
        {history.categories.length === 0
          ? 'No transactions yet for this account.'
          : 'No transactions of these kinds for this account; clear the filters to see all.'}
      </EmptyState>
    )
  return <HistoryTable entries={history.entries} names={names} />
}

export function HistoryTable({
  entries,
  names,
}: {
  entries: readonly HistoryEntry[]
  names: ReadonlyMap<string, string>
}) {
  return (
    <DataTable
      className="history-table"
      testId="history-table"
      columns={[
        { label: 'Status' },
        { label: 'Time' },
        { label: 'Kind' },
        { label: 'Counterparty' },
        { label: 'Balance', num: true },
        { label: 'Stake', num: true },
        { label: 'Fee', num: true },
      ]}
    >
      {entries.map((entry, i) => (
        <HistoryRow
          key={`${entry.txId ?? entry.kind}:${entry.height ?? 'pending'}:${i}`}
          entry={entry}
          names={names}
        />
      ))}
    </DataTable>
  )
}

function HistoryRow({ entry, names }: { entry: HistoryEntry; names: ReadonlyMap<string, string> }) {
  const pending = entry.status === 'pending'
  return (
    <tr data-testid="history-entry" data-status={entry.status}>
      <td>
        <span className={`badge ${pending ? 'badge-classical' : 'badge-joined'}`}>
          {historyStatusLabel(entry)}
        </span>
      </td>
      <td>
        <time dateTime={new Date(entry.timeMs).toISOString()}>{new Date(entry.timeMs).toLocaleString()}</time>
      </td>
      <td title={entry.txId ?? undefined}>{historyKindLabel(entry.kind)}</td>
      <td>
        {entry.counterparty == null ? (
          <span className="muted">—</span>
        ) : (
          <code className="mono" title={entry.counterparty}>
            {names.get(entry.counterparty) ?? shortId(entry.counterparty, 8, 6)}
          </code>
        )}
      </td>
      <td className={`num ${amountClass(entry.balanceChange)}`}>{signedCaesar(entry.balanceChange)}</td>
      <td className={`num ${amountClass(entry.stakeChange)}`}>
        {isZeroAmount(entry.stakeChange) ? '' : signedCaesar(entry.stakeChange)}
      </td>
      <td className="num">
        {isZeroAmount(entry.fee) ? <span className="muted">—</span> : `${formatCaesar(entry.fee)} CAESAR`}
      </td>
    </tr>
  )
}

const amountClass = (units: string): string =>
  isZeroAmount(units) ? '' : units.startsWith('-') ? 'amount-out' : 'amount-in'

/** Load older, and Export CSV with its progress; each says why it failed. */
function HistoryFooter({ history }: { history: HistoryArea }) {
  const actions = useHyperMesh(selectActions)
  const [olderError, setOlderError] = useState<string | null>(null)
  const [exportError, setExportError] = useState<string | null>(null)
  const [exportNote, setExportNote] = useState<string | null>(null)
  const loadOlder = async (): Promise<void> => {
    setOlderError(null)
    const outcome = await actions.loadOlderHistory()
    if (!outcome.ok) setOlderError(outcome.message)
  }
  const exportCsv = async (): Promise<void> => {
    setExportError(null)
    setExportNote(null)
    const outcome = await actions.exportHistory()
    if (!outcome.ok) return setExportError(outcome.message)
    const { account, entries, complete } = outcome.value
    saveFile(historyCsvFileName(account), new Blob([historyCsv(entries)], { type: 'text/csv;charset=utf-8' }))
    setExportNote(exportNoteOf(entries.length, complete))
  }
  const exporting = history.exported != null
  return (
    <>
      <div className="history-actions">
        {history.entries != null && history.nextBeforeHeight != null && (
          <button
            type="button"
            className="button"
            disabled={history.loadingOlder}
            onClick={() => void loadOlder()}
          >
            {history.loadingOlder ? 'Loading…' : 'Load older'}
          </button>
        )}
        <button type="button" className="button" disabled={exporting} onClick={() => void exportCsv()}>
          {exporting ? `Exporting… ${history.exported} entries` : 'Export CSV'}
        </button>
        {exportNote != null && (
          <span className="muted" role="status">
            {exportNote}
          </span>
        )}
      </div>
      {olderError != null && (
        <ErrorNotice headline="Older entries could not be read">
          {withNextStep(olderError, 'Try Load older again.')}
        </ErrorNotice>
      )}
      {exportError != null && (
        <ErrorNotice headline="The export stopped">
          {withNextStep(exportError, 'Nothing was saved; try Export CSV again.')}
        </ErrorNotice>
      )}
    </>
  )
}

/** What the person is told once the file is saved. */
export function exportNoteOf(count: number, complete: boolean): string {
  const entries = `${count} ${count === 1 ? 'entry' : 'entries'}`
  return complete
    ? `Saved ${entries}.`
    : `Saved the newest ${entries}; older ones were left out (the export stops at that many).`
}
