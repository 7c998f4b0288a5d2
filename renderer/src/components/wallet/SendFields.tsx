/** The Send form's fields: each with its label, and the problem found in it named beside it. */
import { useId, type ChangeEvent } from 'react'
import { formatCaesar, type Contact, type WalletAccount } from '../../../../shared/api'
import {
  addressOf,
  contactNameOf,
  type SendField,
  type SendFields as Values,
  type SendProblems,
} from './send-form'
import { accountBalance } from './wallet-form'

export function SendFields({
  accounts,
  ledger,
  contacts,
  values,
  problems,
  locked,
  onEdit,
}: {
  accounts: readonly WalletAccount[]
  ledger: boolean
  contacts: readonly Contact[] | null
  values: Values
  problems: SendProblems
  /** The fields wait while their review shows. */
  locked: boolean
  onEdit(field: SendField, value: string): void
}) {
  const id = useId()
  const toName = contactNameOf(contacts, addressOf(values.to))
  const problem = (field: SendField) =>
    problems[field] != null && (
      <span
        id={`${id}-${field}-problem`}
        className="field-hint field-problem"
        data-testid={`send-${field}-problem`}
      >
        {problems[field]}
      </span>
    )
  const input = (field: SendField) => ({
    id: `${id}-${field}`,
    value: values[field],
    disabled: locked,
    'aria-invalid': problems[field] != null,
    'aria-describedby': problems[field] != null ? `${id}-${field}-problem` : undefined,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onEdit(field, e.target.value),
  })
  return (
    <div className="wallet-fields">
      <span className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <select {...input('from')}>
          {accounts.map((account) => {
            const balance = accountBalance(account.balance, ledger)
            return (
              <option key={account.address} value={account.address}>
                Account {account.index + 1}
                {balance != null && ` · ${formatCaesar(balance)} CAESAR`}
              </option>
            )
          })}
        </select>
        {problem('from')}
      </span>
      <span className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <span className="form-row form-row-start">
          <input
            {...input('to')}
            className="mono send-to"
            placeholder="address, 40 hex characters"
            spellCheck={false}
            autoComplete="off"
          />
          <ContactPicker contacts={contacts} disabled={locked} onPick={(address) => onEdit('to', address)} />
        </span>
        {toName != null && problems.to == null && <span className="muted field-hint">{toName}</span>}
        {problem('to')}
      </span>
      <span className="form-row form-row-start">
        <span className="field">
          <label htmlFor={`${id}-amount`}>Amount (CAESAR)</label>
          <input {...input('amount')} inputMode="decimal" placeholder="0.0" autoComplete="off" />
          {problem('amount')}
        </span>
        <span className="field">
          <label htmlFor={`${id}-fee`}>Fee (CAESAR, optional)</label>
          <input
            {...input('fee')}
            inputMode="decimal"
            placeholder="the network’s minimum"
            autoComplete="off"
          />
          {problem('fee')}
        </span>
      </span>
    </div>
  )
}

/** The address book's contacts, to fill in the address with; nothing while the book is empty. */
function ContactPicker({
  contacts,
  disabled,
  onPick,
}: {
  contacts: readonly Contact[] | null
  disabled: boolean
  onPick(address: string): void
}) {
  if (contacts == null || contacts.length === 0) return null
  return (
    <select
      aria-label="Pick from the address book"
      value=""
      disabled={disabled}
      onChange={(e) => e.target.value !== '' && onPick(e.target.value)}
    >
      <option value="">Address book…</option>
      {contacts.map((c) => (
        <option key={c.address} value={c.address}>
          {c.name}
        </option>
      ))}
    </select>
  )
}
