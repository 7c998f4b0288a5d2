/**
 * The History card rendered once, statically (no effect runs, so nothing is read): what it shows for a
 * given history goes in by props, as the store would hand it.
 */
import { describe, expect, it } from 'vitest'
import { emptyHistoryArea } from '../../store/history-slice'
import type { HistoryArea } from '../../store/history-types'
import { text, withStore } from '../../testing/render'
import { sampleHistoryPage } from '../../testing/sample-history'
import { sampleAddresses, sampleWallet } from '../../testing/sample-wallet'
import { exportNoteOf, HistoryPanel } from './HistoryCard'
import { historyAccounts } from './history-format'
import { WalletScreen } from './WalletView'

const [MINE, THEIRS] = sampleAddresses as [string, string]

const offered = historyAccounts(sampleWallet().accounts, null)
const shown = (over: Partial<HistoryArea> = {}): HistoryArea => ({
  ...emptyHistoryArea(),
  account: MINE,
  entries: sampleHistoryPage().entries,
  nextBeforeHeight: 31,
  ...over,
})

const panel = (history: HistoryArea, error: string | null = null, names = new Map<string, string>()) =>
  withStore(<HistoryPanel offered={offered} history={history} error={error} names={names} />)

/** Each row's cells, as text. */
const rows = (html: string): string[][] =>
  [...html.matchAll(/<tr data-testid="history-entry"[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => text(cell[1]!)),
  )

describe('the History card', () => {
  it('is in the Wallet view, for a locked wallet too', () => {
    const html = withStore(<WalletScreen status={sampleWallet()} fresh={null} error={null} ledger />)
    expect(html).toContain('data-testid="wallet-history"')
    expect(text(html)).toContain('Reading the history…')
  })

  it('shows a pending entry first with its badge, then committed ones with their block', () => {
    const html = panel(shown())
    expect(html).toMatch(/<tr data-testid="history-entry" data-status="pending">/)
    const [pending, received, staked, reward] = rows(html)
    expect(pending![0]).toBe('Pending')
    expect(pending!.slice(2)).toEqual([
      'Transfer',
      'a07c4e19…6b0d91',
      '-1.00001 CAESAR',
      '',
      '0.00001 CAESAR',
    ])
    expect(received![0]).toBe('Block 40')
    expect(received!.slice(2)).toEqual(['Transfer', 'a07c4e19…6b0d91', '+2.5 CAESAR', '', '—'])
    expect(staked!.slice(2)).toEqual(['Stake', '—', '-5.00001 CAESAR', '+5 CAESAR', '0.00001 CAESAR'])
    expect(reward!.slice(0, 5)).toEqual(['Block 31', reward![1], 'Epoch reward', '—', '+0.75 CAESAR'])
    expect(html).toContain(`title="${THEIRS}"`)
    expect(html).toMatch(/<time dateTime="2025-10-09T08:52:20.000Z">/)
  })

  it('names a counterparty it knows, the full address on its title', () => {
    const html = panel(shown(), null, new Map([[THEIRS, 'Alice']]))
    expect(rows(html)[1]![3]).toBe('Alice')
    expect(html).toContain(`title="${THEIRS}">Alice</code>`)
  })

  it('offers the account and every category, marking the ones chosen', () => {
    const html = panel(shown({ categories: ['sent', 'rewards'] }))
    expect(html).toMatch(/<option value="3f9a0c2e[0-9a-f]{32}" selected="">Account 1 · 3f9a0c2e…<\/option>/)
    for (const label of ['Sent', 'Received', 'Staked', 'Rewards', 'Escrow', 'Trades', 'Other'])
      expect(html).toMatch(new RegExp(`aria-pressed="(true|false)">${label}</button>`))
    expect(html).toContain('aria-pressed="true">Sent</button>')
    expect(html).toContain('aria-pressed="true">Rewards</button>')
    expect(html).toContain('aria-pressed="false">Trades</button>')
  })

  it('offers Load older while there are older entries, and Export CSV', () => {
    const html = panel(shown())
    expect(html).toMatch(/<button type="button" class="button">Load older<\/button>/)
    expect(html).toMatch(/<button type="button" class="button">Export CSV<\/button>/)
    const atStart = panel(shown({ nextBeforeHeight: null }))
    expect(atStart).not.toContain('Load older')
    expect(panel(shown({ loadingOlder: true }))).toMatch(/disabled="">Loading…</)
  })

  it('shows an export’s progress', () => {
    expect(panel(shown({ exported: 1500 }))).toMatch(/disabled="">Exporting… 1500 entries</)
  })

  it('says when an account has no transactions, or none of the kinds chosen', () => {
    expect(text(panel(shown({ entries: [], nextBeforeHeight: null })))).toContain(
      'No transactions yet for this account.',
    )
    expect(text(panel(shown({ entries: [], categories: ['trades'] })))).toContain(
      'No transactions of these kinds for this account; clear the filters to see all.',
    )
  })

  it('says why the history could not be read, and what to do', () => {
    const shownText = text(panel(shown({ entries: null }), 'no handler for chain.history'))
    expect(shownText).toContain('The history could not be read:')
    expect(shownText).toContain(
      'no handler for chain.history. It is read again every few seconds; check that the node is running.',
    )
    expect(shownText).not.toContain('Reading the history…')
  })

  it('says there is no account to show before the wallet has one or the node follows a chain', () => {
    const html = withStore(
      <HistoryPanel offered={[]} history={emptyHistoryArea()} error={null} names={new Map()} />,
    )
    expect(text(html)).toContain('No account to show yet')
  })

  it('says how much an export saved, and when it stopped before the start of the chain', () => {
    expect(exportNoteOf(1, true)).toBe('Saved 1 entry.')
    expect(exportNoteOf(10_000, false)).toBe(
      'Saved the newest 10000 entries; older ones were left out (the export stops at that many).',
    )
  })
})
