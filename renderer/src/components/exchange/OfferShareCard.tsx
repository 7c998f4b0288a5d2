/**
 * Offering this node's shared allocation of the selected market: a sell order of some hours of it at the
 * minimum price of its sharing terms, signed by the node's account (the node refuses free or unshared ones).
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import type { Market, ShareOffer } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectOffering } from '../../store/selectors'
import { Card } from '../Card'
import { InputField } from '../Field'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { BusyButton } from '../wallet/SubmitRow'
import { offerRequestOf, offerSummary } from './delivery'
import { MARKET_LABELS, withAdvice } from './exchange-format'

/** "CPU", "GPU", but "memory", "storage" in a sentence. */
const resourceNoun = (market: Market): string =>
  market === 'cpu' || market === 'gpu' ? MARKET_LABELS[market] : MARKET_LABELS[market].toLowerCase()

export function OfferShareCard({ market, unit }: { market: Market; unit: string }) {
  const actions = useHyperMesh(selectActions)
  const offering = useHyperMesh(selectOffering)
  const [hours, setHours] = useState('24')
  const [result, setResult] = useState<{ ok: true; offer: ShareOffer } | { ok: false; message: string }>()
  const { request, problem } = useMemo(() => offerRequestOf(market, hours), [market, hours])
  const reasonId = useId()
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (request == null) return
    setResult(undefined)
    const outcome = await actions.offerShare(request)
    setResult(outcome.ok ? { ok: true, offer: outcome.value } : { ok: false, message: outcome.message })
  }
  const noun = resourceNoun(market)
  return (
    <Card title={`Offer my shared ${noun}`} className="span-12" testId="offer-share-card">
      <form className="exchange-form" aria-label={`Offer my shared ${noun}`} onSubmit={(e) => void submit(e)}>
        <p className="muted">
          The price is the minimum price you set for {noun} on the dashboard’s <a href="#/">Sharing card</a>,
          per {unit} (rounded up); the node’s account signs the sell order.
        </p>
        <div className="form-row form-row-start">
          <InputField
            label="Hours of my allocation"
            type="number"
            min={1}
            step={1}
            value={hours}
            onChange={setHours}
            testId="offer-hours"
          />
          <BusyButton
            label="Offer"
            busyLabel="Offering…"
            busy={offering}
            disabled={offering || problem != null}
            describedBy={problem != null ? reasonId : undefined}
            testId="offer-share"
          />
          {problem != null && (
            <span id={reasonId} className="muted" data-testid="offer-blocker">
              {problem}
            </span>
          )}
        </div>
      </form>
      <OfferResult result={result} />
    </Card>
  )
}

export function OfferResult({
  result,
}: {
  result: { ok: true; offer: ShareOffer } | { ok: false; message: string } | undefined
}) {
  if (result == null) return null
  if (!result.ok)
    return (
      <ErrorNotice headline="Not offered" testId="offer-error">
        {withAdvice(result.message)}
      </ErrorNotice>
    )
  return <SuccessNotice testId="offer-placed">{offerSummary(result.offer)}</SuccessNotice>
}
