/** One tab per resource market, each with its unit, best bid and ask and last price. */
import { RESOURCE_KINDS, type Market, type MarketSummary } from '../../../../shared/api'
import { MARKET_LABELS, unitsAsCaesar } from './exchange-format'

export function MarketTabs({
  markets,
  selected,
  onSelect,
  panelId,
}: {
  markets: readonly MarketSummary[] | null
  selected: Market
  onSelect(market: Market): void
  /** The panel the tabs control (the book below). */
  panelId: string
}) {
  return (
    <div className="tabs market-tabs" role="tablist" aria-label="Markets">
      {RESOURCE_KINDS.map((market) => {
        const summary = markets?.find((m) => m.market === market)
        return (
          <button
            key={market}
            type="button"
            role="tab"
            aria-selected={market === selected}
            aria-controls={panelId}
            className={`tab market-tab ${market === selected ? 'is-selected' : ''}`}
            onClick={() => onSelect(market)}
            data-testid={`market-tab-${market}`}
          >
            <span className="market-tab-name">{MARKET_LABELS[market]}</span>
            {summary != null && <MarketFigures summary={summary} />}
          </button>
        )
      })}
    </div>
  )
}

const figure = (units: string | null): string => (units == null ? '—' : unitsAsCaesar(units))

function MarketFigures({ summary }: { summary: MarketSummary }) {
  return (
    <span className="market-tab-figures">
      <span>bid {figure(summary.bestBid)}</span>
      <span>ask {figure(summary.bestAsk)}</span>
      <span>last {figure(summary.lastPrice)}</span>
      <span className="muted">CAESAR per {summary.unit}</span>
    </span>
  )
}
