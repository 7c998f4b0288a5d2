/**
 * Taking delivery of a fill this node holds: how long and how much to ask the seller's lease for, the
 * lease it gives, and a button that uses the lease once (which signs a receipt that pays the seller).
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import type { DeliveredFill, LeaseProbeResult, Trade } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectDelivering, selectUsingLease } from '../../store/selectors'
import { InputField } from '../Field'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { BusyButton } from '../wallet/SubmitRow'
import {
  deliveredSummary,
  deliveryAdvice,
  deliveryAmount,
  deliveryRequestOf,
  initialDeliveryFields,
  probeSummary,
  type DeliveryFields,
} from './delivery'
import { MARKET_LABELS, quantityText } from './exchange-format'

export function DeliveryPanel({ trade, unit, onClose }: { trade: Trade; unit: string; onClose(): void }) {
  const actions = useHyperMesh(selectActions)
  const delivering = useHyperMesh(selectDelivering)
  const [fields, setFields] = useState<DeliveryFields>(() => initialDeliveryFields(trade.market))
  const [result, setResult] = useState<{ ok: true; fill: DeliveredFill } | { ok: false; message: string }>()
  const { request, problem } = useMemo(
    () => deliveryRequestOf(trade.fillId, trade.market, fields),
    [trade.fillId, trade.market, fields],
  )
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (request == null) return
    setResult(undefined)
    const outcome = await actions.takeDelivery(request)
    setResult(outcome.ok ? { ok: true, fill: outcome.value } : { ok: false, message: outcome.message })
  }
  const what = `${MARKET_LABELS[trade.market]}, ${quantityText(trade.quantity, unit)}`
  return (
    <section className="delivery-panel" aria-label={`Take delivery of fill ${shortId(trade.fillId)}`}>
      <h4 className="subhead">{`Take delivery · ${what}`}</h4>
      <p className="muted">
        The seller is paid from the escrow as the receipts this node signs prove the lease’s use; what is not
        used comes back to you after delivery ends.
      </p>
      <form className="exchange-form" aria-label="Take delivery" onSubmit={(event) => void submit(event)}>
        <DeliveryInputs market={trade.market} fields={fields} onChange={setFields} />
        <DeliveryButtons
          busy={delivering === trade.fillId}
          waiting={delivering != null}
          problem={problem}
          onClose={onClose}
        />
      </form>
      {result?.ok === false && (
        <ErrorNotice headline="No lease" testId="delivery-error">
          {deliveryAdvice(result.message)}
        </ErrorNotice>
      )}
      {result?.ok === true && <DeliveredLease fillId={trade.fillId} fill={result.fill} />}
    </section>
  )
}

function DeliveryInputs({
  market,
  fields,
  onChange,
}: {
  market: Trade['market']
  fields: DeliveryFields
  onChange(fields: DeliveryFields): void
}) {
  const amount = deliveryAmount(market)
  return (
    <div className="exchange-fields">
      <InputField
        label="For"
        unit="minutes"
        type="number"
        min={1}
        step={1}
        value={fields.minutes}
        onChange={(minutes) => onChange({ ...fields, minutes })}
        testId="delivery-minutes"
      />
      <InputField
        label="Amount"
        unit={amount.unit}
        type="number"
        min={0}
        value={fields.amount}
        hint={`What the lease grants (${amount.initial} by default).`}
        onChange={(value) => onChange({ ...fields, amount: value })}
        testId="delivery-amount"
      />
    </div>
  )
}

function DeliveryButtons({
  busy,
  waiting,
  problem,
  onClose,
}: {
  busy: boolean
  /** Some delivery is being asked for: the button waits for it. */
  waiting: boolean
  problem: string | null
  onClose(): void
}) {
  const reasonId = useId()
  const reason = busy ? null : problem
  return (
    <div className="form-row form-row-start">
      <BusyButton
        label="Ask the seller for the lease"
        busyLabel="Asking the seller…"
        busy={busy}
        disabled={waiting || problem != null}
        describedBy={reason != null ? reasonId : undefined}
        testId="delivery-submit"
      />
      {reason != null && (
        <span id={reasonId} className="muted" data-testid="delivery-blocker">
          {reason}
        </span>
      )}
      <button type="button" className="button" onClick={onClose} data-testid="delivery-close">
        Close
      </button>
    </div>
  )
}

/** The lease the seller gave, and a button that uses it once. */
export function DeliveredLease({ fillId, fill }: { fillId: string; fill: DeliveredFill }) {
  const actions = useHyperMesh(selectActions)
  const using = useHyperMesh(selectUsingLease)
  const [used, setUsed] = useState<{ ok: true; result: LeaseProbeResult } | { ok: false; message: string }>()
  const use = async (): Promise<void> => {
    setUsed(undefined)
    const outcome = await actions.probeDelivery(fill.lease)
    setUsed(outcome.ok ? { ok: true, result: outcome.value } : { ok: false, message: outcome.message })
  }
  return (
    <>
      <SuccessNotice testId="delivery-result">
        <span title={fillId}>{deliveredSummary(fillId, fill)}</span>{' '}
        <BusyButton
          label="Use it once"
          busyLabel="Using…"
          busy={using}
          disabled={using}
          kind="plain"
          type="button"
          testId="use-lease"
          onClick={() => void use()}
        />
      </SuccessNotice>
      {used?.ok === false && (
        <ErrorNotice headline="The lease did not work" testId="use-lease-error">
          {deliveryAdvice(used.message)}
        </ErrorNotice>
      )}
      {used?.ok === true && (
        <SuccessNotice testId="use-lease-result">{probeSummary(used.result)}</SuccessNotice>
      )}
    </>
  )
}
