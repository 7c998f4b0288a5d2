/** A new passphrase, typed twice: the rule shown beside it, a strength hint as it is typed, and a mismatch named. */
import { useId } from 'react'
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
