import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { WordsCheck } from '../../../../shared/api'
import type { WalletArea } from '../../store/wallet-types'
import { text, withStore } from '../../testing/render'
import { noWallet, sampleAddresses, sampleWallet, sampleWords } from '../../testing/sample-wallet'
import { ViewSwitch } from '../ViewSwitch'
import { ShowWords } from './NewWalletWords'
import { SubmitRow } from './SubmitRow'
import { WalletScreen } from './WalletView'
import { WordsCheckNotice } from './WordsCheckNotice'

const screen = ({ status = null, fresh = null }: Partial<WalletArea>, ledger = true): string =>
  withStore(<WalletScreen status={status} fresh={fresh} error={null} ledger={ledger} />)

const words = sampleWords.split(' ')

describe('the wallet view', () => {
  it('is in the view switch, at #/wallet', () => {
    const html = renderToStaticMarkup(<ViewSwitch current="wallet" />)
    expect(html).toMatch(/href="#\/wallet"[^>]*aria-current="page"[^>]*>Wallet</)
  })

  it('offers three ways to start when the node keeps no wallet, creating one first', () => {
    const html = screen({ status: noWallet })
    const shown = text(html)
    expect(shown).toContain('Create a wallet')
    expect(shown).toContain('Restore from recovery words')
    expect(shown).toContain('Import a backup file')
    expect(html).toMatch(/aria-pressed="true"[^>]*><strong>Create a wallet</)
    expect(html).toContain('aria-label="Create a wallet"')
    expect(shown).toContain('At least 8 characters.')
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Create wallet</)
  })

  it('shows a locked wallet’s accounts and balance, with an Unlock form and no signing actions', () => {
    const shown = text(screen({ status: sampleWallet() }))
    expect(shown).toContain('Locked')
    expect(shown).toContain('12.5 CAESAR')
    expect(shown).toContain(sampleAddresses[0])
    expect(shown).toContain('Unlock')
    expect(shown).not.toContain('Add account')
    expect(shown).not.toContain('Change passphrase')
    expect(shown).toContain('Import a backup file')
  })

  it('shows an unlocked wallet with Lock, Export backup, Add account and Change passphrase', () => {
    const status = sampleWallet({
      locked: false,
      accounts: [
        { index: 0, address: sampleAddresses[0]!, balance: '12500000' },
        { index: 1, address: sampleAddresses[1]!, balance: '2500000' },
      ],
    })
    const html = screen({ status })
    const shown = text(html)
    expect(shown).toContain('Unlocked')
    expect(shown).toMatch(/Total balance 15 CAESAR 2 accounts/)
    expect(shown).toContain('Account 2')
    expect(html).toContain('aria-label="Copy address of account 2"')
    for (const label of ['Lock', 'Export backup', 'Add account', 'Change passphrase'])
      expect(shown).toContain(label)
  })

  it('says when the node has no ledger yet, and shows 0 for an account its ledger does not list', () => {
    const status = sampleWallet({ accounts: [{ index: 0, address: sampleAddresses[0]!, balance: null }] })
    const without = text(screen({ status }, false))
    expect(without).toContain('No ledger yet: balances show once this node follows a chain.')
    expect(without).toContain('no ledger yet')
    const on = text(screen({ status }, true))
    expect(on).toMatch(/Total balance 0 CAESAR/)
    expect(on).toMatch(/Account 1 0 CAESAR/)
  })

  it('shows a new wallet’s words, not the wallet, until they are confirmed', () => {
    const html = screen({
      status: sampleWallet({ locked: false }),
      fresh: { words, confirm: [2, 9, 17] },
    })
    expect(text(html)).toContain('Your recovery words')
    expect(html).not.toContain('Total balance')
  })

  it('says why the wallet could not be read, and while it is being read', () => {
    const failed = withStore(<WalletScreen status={null} fresh={null} error="the node went away" ledger />)
    expect(text(failed)).toContain('The wallet could not be read: the node went away')
    expect(text(screen({}))).toContain('Reading your wallet…')
  })

  it('says while a call runs, and disables the form', () => {
    const html = renderToStaticMarkup(
      <SubmitRow label="Create wallet" busyLabel="Creating…" busy waiting blocker={null} />,
    )
    expect(html).toMatch(/disabled=""[^>]*aria-busy="true"/)
    expect(text(html)).toContain('Creating…')
  })
})

describe('a new wallet’s words', () => {
  it('are numbered 1 to 24, with what they mean, and Continue waits for the person to have written them', () => {
    const html = renderToStaticMarkup(<ShowWords words={words} onContinue={() => {}} />)
    const items = [...html.matchAll(/<li><span class="recovery-number"[^>]*>(\d+)<\/span><span[^>]*>(\w+)</g)]
    expect(items.map((m) => Number(m[1]))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    expect(items.map((m) => m[2])).toEqual(words)
    const shown = text(html)
    expect(shown).toContain('Write these 24 words down')
    expect(shown).toContain('Anyone who has them has this wallet and its funds')
    expect(shown).toContain('HyperMesh cannot recover them for you')
    expect(html).toMatch(/<button type="button"[^>]*disabled=""[^>]*>Continue</)
  })
})

describe('recovery words as they are typed', () => {
  const ready = (problem: WordsCheck['problem']) => ({ kind: 'ready' as const, check: { problem } })
  const notice = (state: Parameters<typeof WordsCheckNotice>[0]['state'], typed = 24) =>
    renderToStaticMarkup(<WordsCheckNotice state={state} typed={typed} onReplace={() => {}} />)

  it('counts the words while there are fewer than 24', () => {
    expect(
      text(notice(ready({ kind: 'count', message: 'x', position: null, suggestions: [] }), 5)),
    ).toContain('5 of 24 words.')
  })

  it('names an unknown word and offers the words near it as buttons', () => {
    const html = notice(
      ready({
        kind: 'unknown-word',
        message: 'word 3, “thankq”, is not a recovery word; did you mean “thank”?',
        position: 3,
        suggestions: [
          { position: 3, word: 'thank' },
          { position: 3, word: 'thanks' },
        ],
      }),
    )
    expect(text(html)).toContain('word 3, “thankq”, is not a recovery word')
    expect(html).toContain('aria-label="Use “thank” as word 3"')
    expect(html).toContain('aria-label="Use “thanks” as word 3"')
  })

  it('offers the one-word fixes of a checksum that fails, with their positions', () => {
    const html = text(
      notice(
        ready({
          kind: 'checksum',
          message: 'the words do not check out: one of them is wrong, or two are swapped',
          position: null,
          suggestions: [{ position: 24, word: 'tilt' }],
        }),
      ),
    )
    expect(html).toContain('the words do not check out')
    expect(html).toContain('word 24 → tilt')
  })

  it('says when the words check out', () => {
    expect(text(notice(ready(null)))).toContain('The 24 words check out.')
  })
})
