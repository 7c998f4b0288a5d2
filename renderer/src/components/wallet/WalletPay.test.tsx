/**
 * The Wallet view's Send, Receive and Address book cards as they render: Send only once unlocked; the
 * review with what the node said (fee, balances, problems) and Confirm only when nothing stops it; each
 * account's address to copy and as a QR code; contacts to pick, remove and add.
 */
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { Contact } from '../../../../shared/api'
import { text, withStore } from '../../testing/render'
import { sampleAddresses, sampleWallet } from '../../testing/sample-wallet'
import { AddressBook } from './AddressBookCard'
import { qrPathOf } from './AddressQr'
import { SendCard } from './SendCard'
import { SendReview } from './SendReview'
import { WalletScreen } from './WalletView'

const [MINE, THEIRS] = sampleAddresses as [string, string]
const request = { from: MINE, to: THEIRS, amount: '1500000' }
const review = (preview: Parameters<typeof SendReview>[0]['preview'], toName: string | null = null) =>
  renderToStaticMarkup(
    <SendReview
      request={request}
      preview={preview}
      fromName="Account 1"
      toName={toName}
      busy={false}
      waiting={false}
      onConfirm={() => {}}
      onEdit={() => {}}
    />,
  )

describe('sending', () => {
  it('is offered once the wallet is unlocked, never while it is locked', () => {
    const locked = text(withStore(<WalletScreen status={sampleWallet()} fresh={null} error={null} ledger />))
    expect(locked).not.toContain('Send from the wallet')
    const html = withStore(
      <WalletScreen status={sampleWallet({ locked: false })} fresh={null} error={null} ledger />,
    )
    expect(html).toContain('aria-label="Send from the wallet"')
    expect(text(html)).toMatch(/From Account 1 · 12.5 CAESAR/)
    expect(html).toMatch(/<button type="submit"[^>]*>Review</)
  })

  it('offers the address book’s contacts to send to, and names the contact whose address is typed', () => {
    const contacts: Contact[] = [{ name: 'Alice', address: THEIRS }]
    const html = withStore(
      <SendCard
        accounts={sampleWallet().accounts}
        ledger
        contacts={contacts}
        to={THEIRS.toUpperCase()}
        onToChange={() => {}}
      />,
    )
    expect(html).toContain('aria-label="Pick from the address book"')
    expect(html).toMatch(new RegExp(`<option value="${THEIRS}">Alice</option>`))
    expect(html).toContain(`value="${THEIRS.toUpperCase()}"`)
    expect(html).toMatch(/<span class="muted field-hint">Alice<\/span>/)
  })

  it('reviews what the node worked out: fee, balance now and after, with Confirm and send', () => {
    const html = review({ fee: '10', balance: '12500000', balanceAfter: '10999990', problems: [] }, 'Alice')
    const shown = text(html)
    expect(shown).toContain('From Account 1')
    expect(shown).toContain(`To Alice ${THEIRS}`)
    expect(shown).toContain('Amount 1.5 CAESAR')
    expect(shown).toContain('Fee 0.00001 CAESAR')
    expect(shown).toContain('Balance now 12.5 CAESAR')
    expect(shown).toContain('Balance after 10.99999 CAESAR')
    expect(html).toMatch(/<button type="button" class="button button-primary"[^>]*>Confirm and send</)
    expect(html).not.toMatch(/disabled=""[^>]*>Confirm and send/)
  })

  it('shows why it cannot be sent, the shortfall included, and does not offer to confirm', () => {
    const short =
      'this account holds 1 CAESAR; sending 1.5 CAESAR with the fee of 0.00001 CAESAR needs 1.50001 CAESAR: 0.50001 CAESAR short'
    const html = review({ fee: '10', balance: '1000000', balanceAfter: null, problems: [short] })
    const shown = text(html)
    expect(shown).toContain('Balance after not enough')
    expect(shown).toContain(`It cannot be sent as it stands: ${short}`)
    expect(html).toMatch(/disabled=""[^>]*>Confirm and send</)
    expect(shown).toContain('Edit')
  })
})

describe('receiving', () => {
  it('shows the account’s address with Copy and its QR code, locked or not', () => {
    const html = withStore(<WalletScreen status={sampleWallet()} fresh={null} error={null} ledger />)
    expect(html).toMatch(new RegExp(`data-testid="receive-address">${MINE}<`))
    expect(html).toContain('aria-label="Copy address of account 1"')
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="QR code of the address of account 1"/)
  })

  it('lets the person pick the account when the wallet has several', () => {
    const status = sampleWallet({
      accounts: [
        { index: 0, address: MINE, balance: '0' },
        { index: 1, address: THEIRS, balance: '0' },
      ],
    })
    const html = withStore(<WalletScreen status={status} fresh={null} error={null} ledger />)
    expect(html).toMatch(/<label[^>]*>To account<\/label><select/)
  })

  it('draws a real QR code: 40 hex characters fit version 3 (29 modules), with its finder patterns', () => {
    const { size, path } = qrPathOf(MINE)
    expect(size).toBe(29 + 8)
    const dark = (row: number, col: number) => path.includes(`M${col + 4} ${row + 4}h1v1h-1z`)
    // The top-left finder: a dark ring, a light ring, a dark 3×3 centre.
    expect([dark(0, 0), dark(0, 6), dark(6, 0), dark(1, 1), dark(2, 2), dark(4, 4), dark(5, 5)]).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
      false,
    ])
    expect(qrPathOf(THEIRS).path).not.toBe(path)
  })
})

describe('the address book', () => {
  const contacts: Contact[] = [
    { name: 'Alice', address: THEIRS, note: 'rent' },
    { name: 'Bob', address: MINE },
  ]
  const book = (props: Partial<Parameters<typeof AddressBook>[0]>) =>
    withStore(<AddressBook contacts={contacts} error={null} onPick={() => {}} {...props} />)

  it('lists each contact by name with Send (to fill the form) and Remove', () => {
    const html = book({})
    const shown = text(html)
    expect(shown).toContain('Alice')
    expect(shown).toContain('rent')
    expect(html).toContain(`title="${THEIRS}"`)
    expect(html).toContain('aria-label="Send to Alice"')
    expect(html).toContain('aria-label="Remove Bob"')
    expect(html).toContain('aria-label="Add a contact"')
    expect(html).toMatch(/<button type="submit"[^>]*>Add contact</)
  })

  it('offers no Send while the wallet is locked', () => {
    const html = book({ onPick: null })
    expect(html).not.toContain('aria-label="Send to Alice"')
    expect(html).toContain('aria-label="Remove Alice"')
  })

  it('says when it is empty, being read, or could not be read', () => {
    expect(text(book({ contacts: [] }))).toContain('No contacts yet')
    expect(text(book({ contacts: null }))).toContain('Reading the address book…')
    expect(text(book({ contacts: null, error: 'the node went away' }))).toContain(
      'The address book could not be read: the node went away',
    )
  })
})
