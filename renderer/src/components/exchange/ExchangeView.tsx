/**
 * The Exchange view: the resource markets on the ledger. Tabs for the markets; the selected one's depth,
 * book and recent trades; a form to place a limit order; an offer of this node's shared allocation; and
 * this node's orders and trades (taking delivery of the fills it holds). It reads the exchange every few
 * seconds while shown, and the wallet for the accounts that can sign.
 */
import { useEffect, useId, useMemo } from 'react'
import type { Market, MarketSummary, OrderBook } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import type { ExchangeArea } from '../../store/exchange-types'
import {
  selectActions,
  selectBook,
  selectChainStatus,
  selectConnection,
  selectExchangeError,
  selectMarket,
  selectMarkets,
  selectMyExchange,
  selectPeerId,
  selectWalletStatus,
} from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { Header } from '../Header'
import { ErrorNotice } from '../Notice'
import { BookTables } from './BookTables'
import { DepthChart } from './DepthChart'
import { MARKET_LABELS, ownAccountNames, withAdvice } from './exchange-format'
import { MarketTabs } from './MarketTabs'
import { MyExchangeCard } from './MyExchangeCard'
import { OfferShareCard } from './OfferShareCard'
import { OrderFormCard } from './OrderForm'

export function ExchangeView() {
  const actions = useHyperMesh(selectActions)
  const stale = useHyperMesh(selectConnection) === 'reconnecting'
  useEffect(() => actions.watchExchange(), [actions])
  // The wallet's accounts can sign orders: keep them (and whether the wallet is locked) fresh.
  useEffect(() => actions.watchWallet(), [actions])
  return (
    <div className="app">
      <Header />
      <main className={`grid exchange-view ${stale ? 'is-stale' : ''}`} aria-busy={stale}>
        <ExchangeContent />
      </main>
    </div>
  )
}

function ExchangeContent() {
  const actions = useHyperMesh(selectActions)
  const markets = useHyperMesh(selectMarkets)
  const market = useHyperMesh(selectMarket)
  const book = useHyperMesh(selectBook)
  const mine = useHyperMesh(selectMyExchange)
  const error = useHyperMesh(selectExchangeError)
  const chain = useHyperMesh(selectChainStatus)
  const wallet = useHyperMesh(selectWalletStatus)
  const peerId = useHyperMesh(selectPeerId)
  const nodeAddress = chain?.available === true ? chain.self.address : null
  const orders = mine?.orders
  const accountNames = useMemo(
    () => ownAccountNames(nodeAddress, wallet, orders ?? []),
    [nodeAddress, wallet, orders],
  )
  return (
    <ExchangeScreen
      exchange={{ markets, market, book, mine }}
      error={error ?? null}
      accountNames={accountNames}
      peerId={peerId}
      onSelect={actions.selectMarket}
    />
  )
}

/** The view for the exchange as read (and why it could not be read, with what to do). */
export function ExchangeScreen({
  exchange: { markets, market, book, mine },
  error,
  accountNames,
  peerId,
  onSelect,
}: {
  exchange: Pick<ExchangeArea, 'markets' | 'market' | 'book' | 'mine'>
  error: string | null
  accountNames: ReadonlyMap<string, string>
  /** This node's peer id, null until read: the trades it holds can be delivered to it. */
  peerId: string | null
  onSelect(market: Market): void
}) {
  return (
    <>
      {error != null && (
        <div className="span-12">
          <ErrorNotice headline="The exchange could not be read" role="status" testId="exchange-error">
            {withAdvice(error)}
          </ErrorNotice>
        </div>
      )}
      <MarketCard markets={markets} market={market} book={book} onSelect={onSelect} />
      <OrderFormCard market={market} unit={unitOf(markets, book, market)} />
      <OfferShareCard key={market} market={market} unit={unitOf(markets, book, market)} />
      <MyExchangeCard mine={mine} markets={markets} accountNames={accountNames} peerId={peerId} />
    </>
  )
}

/** The market's unit: from its book, or its summary, or a plain "unit" until either is read. */
function unitOf(markets: readonly MarketSummary[] | null, book: OrderBook | null, market: Market): string {
  if (book?.market === market) return book.unit
  return markets?.find((m) => m.market === market)?.unit ?? 'unit'
}

/** The market tabs, and below them the selected market's depth, book and recent trades. */
export function MarketCard({
  markets,
  market,
  book,
  onSelect,
}: {
  markets: readonly MarketSummary[] | null
  market: Market
  book: OrderBook | null
  onSelect(market: Market): void
}) {
  const panelId = useId()
  const shown = book?.market === market ? book : null
  return (
    <Card title="Markets" className="span-7" testId="exchange-markets">
      <MarketTabs markets={markets} selected={market} onSelect={onSelect} panelId={panelId} />
      <div
        id={panelId}
        role="tabpanel"
        aria-label={`${MARKET_LABELS[market]} market`}
        className="market-panel"
      >
        {shown == null ? (
          <EmptyState>Reading the book…</EmptyState>
        ) : (
          <>
            <DepthChart book={shown} />
            <BookTables book={shown} />
          </>
        )}
      </div>
    </Card>
  )
}
