/**
 * The Send form's pure parts: what was typed, checked before the node is asked (so that a mistyped
 * address or amount is named at its field), and the names the address book gives addresses.
 */
import {
  MAX_CONTACT_NAME_CHARS,
  parseCaesar,
  type Contact,
  type WalletSendRequest,
} from '../../../../shared/api'

export interface SendFields {
  /** The wallet account to send from. */
  from: string
  to: string
  /** In CAESAR, as typed ("12.5"). */
  amount: string
  /** In CAESAR; empty for the network's minimum. */
  fee: string
}

export type SendField = keyof SendFields
export type SendProblems = Partial<Record<SendField, string>>

export type CheckedSend = { ok: true; request: WalletSendRequest } | { ok: false; problems: SendProblems }

const AMOUNT_RULE = 'An amount is a number of CAESAR with at most 6 decimals, such as 12.5.'

/** An address as people paste it: spaces around it, capitals, a "0x" in front. */
export function addressOf(text: string): string {
  const trimmed = text.trim().toLowerCase()
  return trimmed.startsWith('0x') ? trimmed.slice(2) : trimmed
}

/** Why `text` is not an address, or null when it is one; `missing` says what to do when it is empty. */
export function addressProblem(text: string, missing = 'Enter the address to send to.'): string | null {
  const address = addressOf(text)
  if (address === '') return missing
  if (!/^[0-9a-f]*$/.test(address)) return 'An address has only the characters 0–9 and a–f.'
  if (address.length !== 40) return `An address is 40 characters long; this has ${address.length}.`
  return null
}

/** The request the fields stand for, or each field's problem. */
export function checkSend(fields: SendFields): CheckedSend {
  const problems: SendProblems = {}
  if (fields.from === '') problems.from = 'Pick the account to send from.'
  const toProblem = addressProblem(fields.to)
  if (toProblem != null) problems.to = toProblem
  else if (addressOf(fields.to) === fields.from) problems.to = 'That is the account it would be sent from.'

  const amount = fields.amount.trim() === '' ? null : parseCaesar(fields.amount)
  if (fields.amount.trim() === '') problems.amount = 'Enter the amount to send.'
  else if (amount == null) problems.amount = AMOUNT_RULE
  else if (amount === '0') problems.amount = 'Send more than 0.'

  const fee = fields.fee.trim() === '' ? undefined : parseCaesar(fields.fee)
  if (fee === null) problems.fee = AMOUNT_RULE

  if (Object.keys(problems).length > 0 || amount == null) return { ok: false, problems }
  const request: WalletSendRequest = { from: fields.from, to: addressOf(fields.to), amount }
  return { ok: true, request: fee == null ? request : { ...request, fee } }
}

/** The name the address book gives `address`, if it has one. */
export function contactNameOf(contacts: readonly Contact[] | null, address: string): string | null {
  return contacts?.find((c) => c.address === address)?.name ?? null
}

/** Why a new contact cannot be saved as typed, or null. */
export function contactProblem(name: string, address: string): string | null {
  if (name.trim() === '') return 'Give the contact a name.'
  if (name.trim().length > MAX_CONTACT_NAME_CHARS)
    return `A name has at most ${MAX_CONTACT_NAME_CHARS} characters.`
  return addressProblem(address, 'Enter the contact’s address.')
}
