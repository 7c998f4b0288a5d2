/**
 * The wallet's passphrase in its forms: a new one, typed twice (the rule shown beside it, a strength hint
 * as it is typed, and a mismatch named); or the current one, typed once beside the button that uses it.
 */
import { useId, type ReactNode } from 'react'
import { BusyButton } from './SubmitRow'
import { MIN_PASSPHRASE_CHARS, passphraseStrength } from './wallet-form'

export interface NewPassphrase {
  passphrase: string
  again: string
}

export const emptyPassphrase: NewPassphrase = { passphrase: '', again: '' }

export function PassphraseFields({
  value,
  onChange,
  label = 'Passphrase',
}: {
  value: NewPassphrase
  onChange(value: NewPassphrase): void
  label?: string
}) {
  const id = useId()
  const strength = passphraseStrength(value.passphrase)
  const differs = value.again !== '' && value.again !== value.passphrase
  return (
    <div className="wallet-fields">
      <span className="field">
        <label htmlFor={`${id}-first`}>{label}</label>
        <input
          id={`${id}-first`}
          type="password"
          autoComplete="new-password"
          value={value.passphrase}
          aria-describedby={`${id}-rule ${id}-strength`}
          onChange={(e) => onChange({ ...value, passphrase: e.target.value })}
        />
        <span id={`${id}-rule`} className="muted field-hint">
          At least {MIN_PASSPHRASE_CHARS} characters. It unlocks the wallet on this node and opens its
          backups; HyperMesh cannot reset it for you.
        </span>
      </span>
      {value.passphrase !== '' && (
        <span className={`strength strength-${strength.level}`} id={`${id}-strength`} data-testid="strength">
          <span className="strength-bar" aria-hidden="true">
            <span className="strength-fill" style={{ width: `${strength.percent}%` }} />
          </span>
          <span className="field-hint">{strength.hint}</span>
        </span>
      )}
      <span className="field">
        <label htmlFor={`${id}-again`}>{label} again</label>
        <input
          id={`${id}-again`}
          type="password"
          autoComplete="new-password"
          value={value.again}
          aria-invalid={differs}
          aria-describedby={differs ? `${id}-differs` : undefined}
          onChange={(e) => onChange({ ...value, again: e.target.value })}
        />
        {differs && (
          <span id={`${id}-differs`} className="field-hint field-problem">
            The two passphrases differ.
          </span>
        )}
      </span>
    </div>
  )
}

/** The passphrase a wallet (or a backup) has now: a password field the browser may fill in. */
export function CurrentPassphraseInput({
  id,
  value,
  onChange,
}: {
  id: string
  value: string
  onChange(value: string): void
}) {
  return (
    <input
      id={id}
      type="password"
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}

/**
 * The current passphrase and, in a row with it, the button that uses it (unlock, add an account); the
 * button waits until a passphrase is typed and no wallet call runs. `children` follow the button.
 */
export function PassphraseSubmit({
  label,
  value,
  onChange,
  submit,
  busyLabel,
  busy,
  waiting,
  children,
}: {
  label: string
  value: string
  onChange(value: string): void
  /** What the button says ("Unlock"). */
  submit: string
  /** What it says while its call runs ("Unlocking…"). */
  busyLabel: string
  busy: boolean
  /** Some wallet call is running: the button waits for it. */
  waiting: boolean
  children?: ReactNode
}) {
  const id = useId()
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="form-row form-row-start">
        <CurrentPassphraseInput id={id} value={value} onChange={onChange} />
        <BusyButton label={submit} busyLabel={busyLabel} busy={busy} disabled={value === '' || waiting} />
        {children}
      </div>
    </>
  )
}
