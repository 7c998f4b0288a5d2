import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { ChainStatus } from '../../../../shared/api'
import { text, withStore } from '../../testing/render'
import {
  emptyBook,
  sampleBook,
  sampleMarkets,
  sampleMine,
  sampleNodeAddress,
  samplePreview,
} from '../../testing/sample-exchange'
import { sampleWallet } from '../../testing/sample-wallet'
import { ViewSwitch } from '../ViewSwitch'
import { ExchangeScreen, MarketCard } from './ExchangeView'
import { MyExchangeCard } from './MyExchangeCard'
import { OrderForm, PlaceResult, PreviewPanel } from './OrderForm'
import { signingAccounts } from './order-form'

const market = (book = sampleBook()) =>
  renderToStaticMarkup(<MarketCard markets={sampleMarkets} market="cpu" book={book} onSelect={() => {}} />)

describe('the exchange view', () => {
  it('is in the view switch, at #/exchange', () => {
    const html = renderToStaticMarkup(<ViewSwitch current="exchange" />)
    expect(html).toMatch(/href="#\/exchange"[^>]*aria-current="page"[^>]*>Exchange</)
  })

  it('has a tab per market with its best bid, best ask, last price and unit', () => {
    const html = market()
    expect(html).toMatch(/role="tab" aria-selected="true"[^>]*data-testid="market-tab-cpu"/)
    const cpu = /data-testid="market-tab-cpu">(.*?)<\/button>/.exec(html)![1]!
    expect(text(cpu)).toBe('CPU bid 0.9 ask 1.1 last 1 CAESAR per core-hour')
    const gpu = /data-testid="market-tab-gpu">(.*?)<\/button>/.exec(html)![1]!
    expect(text(gpu)).toBe('GPU bid — ask — last — CAESAR per GPU-hour')
  })

  it('draws the book’s depth with a title and a description in words', () => {
    const html = market()
    expect(html).toContain('<title')
    expect(html).toContain('Depth of the CPU market</title>')
    expect(text(html)).toContain(
      'Bids: 8 core-hours from 0.9 CAESAR/core-hour down to 0.8 CAESAR/core-hour. ' +
        'Asks: 7 core-hours from 1.1 CAESAR/core-hour up to 1.5 CAESAR/core-hour.',
    )
    expect(html).toMatch(/<path class="depth-area depth-bids" d="M[^"]+Z"/)
    expect(html).toMatch(/<path class="depth-area depth-asks" d="M[^"]+Z"/)
    expect(text(html)).toContain('Price (CAESAR per core-hour)')
  })

  it('lists the price levels of each side and the recent trades with their status', () => {
    const shown = text(market())
    expect(shown).toContain('Prices in CAESAR per core-hour, quantities in core-hours.')
    expect(shown).toContain('Bids (buy) Price Quantity Orders 0.9 3 1 0.8 5 2')
    expect(shown).toContain('Asks (sell) Price Quantity Orders 1.1 2 1 1.2 4 1 1.5 1 1')
    expect(shown).toMatch(/Recent trades .* Time Status 1 2 .+ open escrow/)
  })

  it('says there are no orders yet when both sides are empty', () => {
    const html = market(emptyBook())
    const shown = text(html)
    expect(shown).toContain('No orders yet')
    expect(html).not.toContain('<svg')
    for (const empty of ['No bids', 'No asks', 'No trades yet']) expect(shown).toContain(empty)
  })

  it('says while the selected market’s book is being read', () => {
    const html = renderToStaticMarkup(
      <MarketCard markets={null} market="gpu" book={sampleBook()} onSelect={() => {}} />,
    )
    expect(text(html)).toContain('Reading the book…')
  })

  it('says why the exchange could not be read, and what to do', () => {
    const html = withStore(
      <ExchangeScreen
        exchange={{ markets: null, market: 'cpu', book: null, mine: null }}
        error="this node follows no ledger yet"
        accountNames={new Map()}
        onSelect={() => {}}
      />,
    )
    expect(text(html)).toContain(
      'The exchange could not be read: this node follows no ledger yet. ' +
        'This node follows no ledger yet: join a network with a chain first.',
    )
    expect(text(html)).toContain('Reading the book…')
    expect(text(html)).toContain('Reading your orders…')
  })
})

describe('the order form', () => {
  const chain = {
    available: true,
    self: { address: sampleNodeAddress, balance: '5000000', bonded: '0', nonce: 0 },
  } as ChainStatus

  it('offers the node’s account and the wallet’s, and waits for a price and quantity', () => {
    const accounts = signingAccounts(chain, sampleWallet())
    const html = withStore(<OrderForm market="cpu" unit="core-hour" accounts={accounts} />)
    const shown = text(html)
    expect(shown).toContain('Pay from / sign with')
    expect(html).toMatch(/<option value="" selected="">Node account c0ffee00…000001 · 5 CAESAR<\/option>/)
    expect(shown).toContain('Wallet account 1 3f9a0c2e…c0b1d2 · 12.5 CAESAR (locked)')
    expect(shown).toContain('Price (CAESAR per core-hour)')
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Place buy order</)
    expect(shown).toContain('Type a price and a quantity.')
  })

  it('shows what the order would do, and its problems', () => {
    const html = renderToStaticMarkup(
      <PreviewPanel
        state={{ kind: 'ready', preview: samplePreview({ problems: ['the wallet is locked'] }) }}
        side="buy"
        unit="core-hour"
      />,
    )
    const shown = text(html)
    expect(shown).toContain('Fills 2 core-hours now at an average price of 1.1 CAESAR/core-hour')
    expect(shown).toContain('the wallet is locked. Unlock the wallet to sign with this account.')
  })

  it('shows a placed order’s id as pending, and why an order was not placed', () => {
    const orderId = 'e1'.repeat(32)
    const placed = renderToStaticMarkup(
      <PlaceResult result={{ ok: true, placed: { orderId, txId: orderId } }} />,
    )
    expect(placed).toContain(`title="${orderId}"`)
    expect(text(placed)).toContain('Order e1e1e1e1…e1e1e1 is pending')
    const refused = renderToStaticMarkup(
      <PlaceResult result={{ ok: false, message: 'the wallet is locked' }} />,
    )
    expect(text(refused)).toContain('The order was not placed: the wallet is locked. Unlock the wallet')
  })
})

describe('my orders and trades', () => {
  const names = new Map([[sampleNodeAddress, 'node account']])

  it('shows each order’s state, why a refused one was refused, and Cancel on the resting ones only', () => {
    const html = withStore(
      <MyExchangeCard mine={sampleMine()} markets={sampleMarkets} accountNames={names} />,
    )
    const rows = [...html.matchAll(/<tr data-testid="my-order">(.*?)<\/tr>/g)].map((m) => text(m[1]!))
    expect(rows).toHaveLength(4)
    expect(rows[0]).toMatch(/CPU buy 0.9 CAESAR\/core-hour 0 of 3 core-hours open node account .* Cancel/)
    expect(rows[1]).toMatch(/2 of 3 core-hours partial 3f9a0c2e…c0b1d2 .* Cancel/)
    expect(rows[2]).toContain('filled')
    expect(rows[2]).not.toContain('Cancel')
    expect(rows[3]).toContain('refused: the balance cannot pay it')
    expect(rows[3]).not.toContain('Cancel')
    expect(html).toContain('aria-label="Cancel order 0a0a0a0a…0a0a0a"')
  })

  it('shows each trade’s side, status and what its escrow holds', () => {
    const html = withStore(
      <MyExchangeCard mine={sampleMine()} markets={sampleMarkets} accountNames={names} />,
    )
    const rows = [...html.matchAll(/<tr data-testid="my-trade">(.*?)<\/tr>/g)].map((m) => text(m[1]!))
    expect(rows[0]).toMatch(/CPU bought 1 CAESAR\/core-hour 2 core-hours 1.5 CAESAR open escrow/)
    expect(rows[1]).toMatch(/0 CAESAR paid out/)
  })

  it('says when there are no orders or trades yet, and while they are read', () => {
    const empty = text(
      withStore(<MyExchangeCard mine={{ orders: [], trades: [] }} markets={null} accountNames={names} />),
    )
    expect(empty).toContain('No orders yet')
    expect(empty).toContain('No trades yet')
    expect(text(withStore(<MyExchangeCard mine={null} markets={null} accountNames={names} />))).toContain(
      'Reading your orders…',
    )
  })
})
