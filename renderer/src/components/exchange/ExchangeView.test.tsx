import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { ChainStatus } from '../../../../shared/api'
import { text, withStore } from '../../testing/render'
import { otherPeerIds, ownPeerId } from '../../testing/sample-data'
import {
  emptyBook,
  sampleBook,
  sampleDelivered,
  sampleMarkets,
  sampleMine,
  sampleNodeAddress,
  samplePreview,
  sampleShareOffer,
  sampleTrade,
} from '../../testing/sample-exchange'
import { sampleWallet } from '../../testing/sample-wallet'
import { ViewSwitch } from '../ViewSwitch'
import { DeliveredLease, DeliveryPanel } from './DeliveryPanel'
import { ExchangeScreen, MarketCard } from './ExchangeView'
import { MyExchangeCard } from './MyExchangeCard'
import { OfferResult, OfferShareCard } from './OfferShareCard'
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
        peerId={null}
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
      <MyExchangeCard mine={sampleMine()} markets={sampleMarkets} accountNames={names} peerId={null} />,
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
      <MyExchangeCard mine={sampleMine()} markets={sampleMarkets} accountNames={names} peerId={null} />,
    )
    const rows = [...html.matchAll(/<tr data-testid="my-trade">(.*?)<\/tr>/g)].map((m) => text(m[1]!))
    expect(rows[0]).toMatch(/CPU bought 1 CAESAR\/core-hour 2 core-hours 1.5 CAESAR open escrow/)
    expect(rows[1]).toMatch(/0 CAESAR paid out/)
  })

  it('says when there are no orders or trades yet, and while they are read', () => {
    const empty = text(
      withStore(
        <MyExchangeCard
          mine={{ orders: [], trades: [] }}
          markets={null}
          accountNames={names}
          peerId={null}
        />,
      ),
    )
    expect(empty).toContain('No orders yet')
    expect(empty).toContain('No trades yet')
    expect(
      text(withStore(<MyExchangeCard mine={null} markets={null} accountNames={names} peerId={null} />)),
    ).toContain('Reading your orders…')
  })
})

describe('taking delivery of a fill', () => {
  const names = new Map([[sampleNodeAddress, 'node account']])
  const mine = {
    orders: [],
    trades: [
      sampleTrade(),
      sampleTrade({ fillId: '7b'.repeat(32), holder: otherPeerIds[0] }),
      sampleTrade({ fillId: '7c'.repeat(32), status: 'released', held: '0' }),
    ],
  }

  it('offers Take delivery on the open trades this node holds only', () => {
    const html = withStore(
      <MyExchangeCard mine={mine} markets={sampleMarkets} accountNames={names} peerId={ownPeerId} />,
    )
    const rows = [...html.matchAll(/<tr data-testid="my-trade">(.*?)<\/tr>/g)].map((m) => m[1]!)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/data-testid="take-delivery"[^>]*>Take delivery</)
    expect(rows[0]).toContain('aria-label="Take delivery of fill 7a7a7a7a…7a7a7a"')
    expect(rows[1]).not.toContain('take-delivery')
    expect(rows[2]).not.toContain('take-delivery')
  })

  it('offers it nowhere before the node’s status is read', () => {
    const html = withStore(
      <MyExchangeCard mine={mine} markets={sampleMarkets} accountNames={names} peerId={null} />,
    )
    expect(html).not.toContain('take-delivery')
  })

  it('asks for minutes and an amount in the market’s unit, and says how the seller is paid', () => {
    const cpu = withStore(<DeliveryPanel trade={sampleTrade()} unit="core-hour" onClose={() => {}} />)
    expect(text(cpu)).toContain('Take delivery · CPU, 2 core-hours')
    expect(text(cpu)).toContain(
      'The seller is paid from the escrow as the receipts this node signs prove the lease’s use; ' +
        'what is not used comes back to you after delivery ends.',
    )
    expect(cpu).toMatch(/<input[^>]*data-testid="delivery-minutes" value="60"/)
    expect(cpu).toMatch(/<input[^>]*data-testid="delivery-amount" value="1"/)
    expect(text(cpu)).toContain('Amount (cores)')
    expect(cpu).toMatch(
      /<button type="submit"[^>]*data-testid="delivery-submit"[^>]*>Ask the seller for the lease</,
    )
    const memory = withStore(
      <DeliveryPanel trade={sampleTrade({ market: 'memory' })} unit="GiB-hour" onClose={() => {}} />,
    )
    expect(memory).toMatch(/<input[^>]*data-testid="delivery-amount" value="64"/)
    expect(text(memory)).toContain('Amount (MiB)')
  })

  it('shows the lease it got, with a button that uses it once', () => {
    const fill = sampleDelivered()
    const html = withStore(<DeliveredLease fillId={'7a'.repeat(32)} fill={fill} />)
    expect(text(html)).toContain(
      `Lease 7a7a7a7a…7a7a7a from seller 12D3KooW…ghijkm, valid until ${new Date(fill.expiresAt).toLocaleString()}.`,
    )
    expect(html).toMatch(/<button type="button"[^>]*data-testid="use-lease"[^>]*>Use it once</)
  })
})

describe('offering the shared allocation', () => {
  it('asks for hours (24 by default) and says where the price comes from', () => {
    const html = withStore(<OfferShareCard market="memory" unit="GiB-hour" />)
    expect(html).toContain('data-testid="offer-share-card"')
    expect(text(html)).toContain('Offer my shared memory')
    expect(text(html)).toContain('The price is the minimum price you set for memory on the dashboard’s')
    expect(html).toContain('<a href="#/">Sharing card</a>, per GiB-hour (rounded up)')
    expect(html).toMatch(/<input[^>]*data-testid="offer-hours" value="24"/)
    expect(html).toMatch(/<button type="submit"[^>]*data-testid="offer-share"[^>]*>Offer</)
  })

  it('shows the placed offer, or the node’s refusal with what to do', () => {
    const placed = renderToStaticMarkup(<OfferResult result={{ ok: true, offer: sampleShareOffer() }} />)
    expect(text(placed)).toBe(
      'Offered 24 core-hours at 0.5 CAESAR per core-hour; pending until the next block.',
    )
    const refused = renderToStaticMarkup(
      <OfferResult
        result={{
          ok: false,
          message: 'this node has no registered cpu asset; share cpu and register it first',
        }}
      />,
    )
    expect(text(refused)).toBe(
      'Not offered: this node has no registered cpu asset; share cpu and register it first. ' +
        'Register this resource on the dashboard’s Sharing card, then sell it here.',
    )
  })

  it('is part of the exchange view, for the selected market', () => {
    const html = withStore(
      <ExchangeScreen
        exchange={{ markets: sampleMarkets, market: 'cpu', book: sampleBook(), mine: null }}
        error={null}
        accountNames={new Map()}
        peerId={null}
        onSelect={() => {}}
      />,
    )
    expect(text(html)).toContain('Offer my shared CPU')
    expect(text(html)).toContain('per core-hour (rounded up)')
  })
})
