/**
 * The order form: side, price, quantity and the account that pays and signs. What the order would do
 * follows the form as it changes; Place is disabled, with the reason beside it, while it could not be
 * placed as it stands.
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import type { Market, OrderSide, PlacedOrder } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import {
  selectActions,
  selectBook,
  selectChainStatus,
  selectPlacing,
  selectWalletStatus,
} from '../../store/selectors'
import { Card } from '../Card'
import { Field, InputField } from '../Field'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { MARKET_LABELS, previewSummary, withAdvice } from './exchange-format'
import {
  draftOf,
  initialOrderFields,
  LOCKED_ACCOUNT,
  placeBlocker,
  signingAccounts,
  useOrderPreview,
  type OrderFields,
  type PreviewState,
  type SigningAccount,
} from './order-form'

export function OrderFormCard({ market, unit }: { market: Market; unit: string }) {
  const chain = useHyperMesh(selectChainStatus)
  const wallet = useHyperMesh(selectWalletStatus)
  const accounts = useMemo(() => signingAccounts(chain, wallet), [chain, wallet])
  return <OrderForm market={market} unit={unit} accounts={accounts} />
}

export function OrderForm({
  market,
  unit,
  accounts,
}: {
  market: Market
  unit: string
  /** The node's account first: the default. */
  accounts: readonly SigningAccount[]
}) {
  const actions = useHyperMesh(selectActions)
  const placing = useHyperMesh(selectPlacing)
  const asOf = useHyperMesh(selectBook)?.height ?? null
  const [fields, setFields] = useState<OrderFields>(initialOrderFields)
  const [result, setResult] = useState<{ ok: true; placed: PlacedOrder } | { ok: false; message: string }>()
  const change = (patch: Partial<OrderFields>): void => setFields((f) => ({ ...f, ...patch }))

  // An account the wallet no longer lists cannot sign: the node's account signs instead.
  const account = accounts.find((a) => a.value === fields.from) ?? accounts[0]!
  const signing = useMemo(() => ({ ...fields, from: account.value }), [fields, account.value])
  const { draft, problem } = useMemo(() => draftOf(signing, market), [signing, market])
  const preview = useOrderPreview(draft, asOf)
  const blocker = placeBlocker({ problem, preview, locked: account.locked, placing })

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (draft == null || blocker != null) return
    setResult(undefined)
    const outcome = await actions.placeOrder(draft)
    setResult(outcome.ok ? { ok: true, placed: outcome.value } : { ok: false, message: outcome.message })
  }

  return (
    <Card title={`Place an order · ${MARKET_LABELS[market]}`} className="span-5" testId="order-form">
      <form className="exchange-form" aria-label="Place an order" onSubmit={(event) => void submit(event)}>
        <OrderInputs fields={fields} change={change} unit={unit} accounts={accounts} from={account.value} />
        {account.locked && <LockedNotice />}
        <PreviewPanel state={preview} side={fields.side} unit={unit} />
        <PlaceButton side={fields.side} placing={placing} blocker={blocker} />
      </form>
      <PlaceResult result={result} />
    </Card>
  )
}

function OrderInputs({
  fields,
  change,
  unit,
  accounts,
  from,
}: {
  fields: OrderFields
  change(patch: Partial<OrderFields>): void
  unit: string
  accounts: readonly SigningAccount[]
  /** The account that signs (fields.from, or the node's when the wallet no longer lists that one). */
  from: string
}) {
  return (
    <>
      <SideChoice side={fields.side} onChange={(side) => change({ side })} />
      <div className="exchange-fields">
        <InputField
          label="Price"
          unit={`CAESAR per ${unit}`}
          value={fields.price}
          placeholder="0.5"
          onChange={(price) => change({ price })}
        />
        <InputField
          label="Quantity"
          unit={`${unit}s`}
          value={fields.quantity}
          placeholder="1"
          onChange={(quantity) => change({ quantity })}
        />
        <AccountSelect accounts={accounts} value={from} onChange={(value) => change({ from: value })} />
      </div>
    </>
  )
}

/** Place, disabled with the reason beside it while the order could not be placed. */
function PlaceButton({
  side,
  placing,
  blocker,
}: {
  side: OrderSide
  placing: boolean
  blocker: string | null
}) {
  const reasonId = useId()
  return (
    <div className="form-row">
      <button
        type="submit"
        className="button button-primary"
        disabled={blocker != null}
        aria-busy={placing}
        aria-describedby={blocker != null ? reasonId : undefined}
      >
        {placing ? 'Placing…' : `Place ${side} order`}
      </button>
      {blocker != null && (
        <span id={reasonId} className="muted" data-testid="place-blocker">
          {blocker}
        </span>
      )}
    </div>
  )
}

function SideChoice({ side, onChange }: { side: OrderSide; onChange(side: OrderSide): void }) {
  const name = useId()
  return (
    <fieldset className="exchange-side">
      <legend>Side</legend>
      {(['buy', 'sell'] as const).map((option) => (
        <label key={option} className={`exchange-side-option ${option === side ? 'is-chosen' : ''}`}>
          <input
            type="radio"
            name={name}
            value={option}
            checked={option === side}
            onChange={() => onChange(option)}
          />
          {option === 'buy' ? 'Buy' : 'Sell'}
        </label>
      ))}
    </fieldset>
  )
}

function AccountSelect({
  accounts,
  value,
  onChange,
}: {
  accounts: readonly SigningAccount[]
  value: string
  onChange(value: string): void
}) {
  return (
    <Field label="Pay from / sign with" wide>
      {(control) => (
        <select {...control} value={value} onChange={(event) => onChange(event.target.value)}>
          {accounts.map((account) => (
            <option key={account.value} value={account.value}>
              {account.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

function LockedNotice() {
  return (
    <ErrorNotice headline="The wallet is locked" role="status" testId="order-locked">
      {LOCKED_ACCOUNT} <a href="#/wallet">Open the wallet</a>
    </ErrorNotice>
  )
}

/** What the node says the order would do, and why it could not be placed as it stands. */
export function PreviewPanel({ state, side, unit }: { state: PreviewState; side: OrderSide; unit: string }) {
  if (state.kind === 'none') return null
  if (state.kind === 'pending')
    return (
      <p className="muted exchange-preview" aria-live="polite">
        Working out what the order would do…
      </p>
    )
  if (state.kind === 'failed')
    return (
      <ErrorNotice headline="No preview" role="status" testId="order-preview-error">
        {withAdvice(state.message)}
      </ErrorNotice>
    )
  const { problems } = state.preview
  return (
    <div className="exchange-preview" aria-live="polite" data-testid="order-preview">
      <p>{previewSummary(state.preview, side, unit)}</p>
      {problems.length > 0 && (
        <ul className="job-problems" aria-label="Problems" data-testid="order-problems">
          {problems.map((problem) => (
            <li key={problem}>{withAdvice(problem)}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function PlaceResult({
  result,
}: {
  result: { ok: true; placed: PlacedOrder } | { ok: false; message: string } | undefined
}) {
  if (result == null) return null
  if (!result.ok)
    return (
      <ErrorNotice headline="The order was not placed" testId="order-error">
        {withAdvice(result.message)}
      </ErrorNotice>
    )
  return (
    <SuccessNotice testId="order-placed">
      Order{' '}
      <code className="mono" title={result.placed.orderId}>
        {shortId(result.placed.orderId)}
      </code>{' '}
      is pending: it rests on the book or fills once a block commits it.
    </SuccessNotice>
  )
}
