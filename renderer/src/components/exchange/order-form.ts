/**
 * The order form's logic: the fields as typed, the order they make (or why none), the accounts that can
 * sign it, what the node says the order would do (asked a moment after the last keystroke), and why Place
 * is disabled.
 */
import { useEffect, useState } from 'react'
import {
  parseCaesar,
  type ChainStatus,
  type Market,
  type OrderDraft,
  type OrderPreview,
  type OrderSide,
  type WalletStatus,
} from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { caesar, withAdvice } from './exchange-format'

export interface OrderFields {
  side: OrderSide
  /** CAESAR per unit, as typed ("0.5"). */
  price: string
  /** Whole units, as typed. */
  quantity: string
  /** The signing account's address; '' for the node's own account. */
  from: string
}

export const initialOrderFields: OrderFields = { side: 'buy', price: '', quantity: '', from: '' }

/** The most quantity one order may ask for (the ledger refuses more). */
const MAX_QUANTITY = 1_000_000_000

/** The order the fields make for `market`, or why they make none (null while both are still empty). */
export function draftOf(
  fields: OrderFields,
  market: Market,
): { draft: OrderDraft | null; problem: string | null } {
  if (fields.price.trim() === '' && fields.quantity.trim() === '') return { draft: null, problem: null }
  const price = parseCaesar(fields.price)
  if (price == null || price === '0')
    return { draft: null, problem: 'Type a price above 0 in CAESAR, with at most 6 decimals.' }
  const quantity = fields.quantity.trim()
  if (!/^[1-9][0-9]{0,9}$/.test(quantity) || Number(quantity) > MAX_QUANTITY)
    return { draft: null, problem: `Type a quantity: a whole number from 1 to ${MAX_QUANTITY}.` }
  const draft: OrderDraft = { market, side: fields.side, price, quantity }
  if (fields.from !== '') draft.from = fields.from
  return { draft, problem: null }
}

export interface SigningAccount {
  /** '' for the node's own account. */
  value: string
  label: string
  /** A wallet account while the wallet is locked: it cannot sign. */
  locked: boolean
}

/** The node's account (always, as the default), then the wallet's accounts. */
export function signingAccounts(chain: ChainStatus | null, wallet: WalletStatus | null): SigningAccount[] {
  const self = chain?.available === true ? chain.self : null
  const node: SigningAccount = {
    value: '',
    label: self == null ? 'Node account' : `Node account ${shortId(self.address)} · ${caesar(self.balance)}`,
    locked: false,
  }
  const accounts = wallet?.exists === true ? wallet.accounts : []
  return [
    node,
    ...accounts.map((account) => ({
      value: account.address,
      label:
        `Wallet account ${account.index + 1} ${shortId(account.address)}` +
        (account.balance == null ? '' : ` · ${caesar(account.balance)}`) +
        (wallet?.locked === true ? ' (locked)' : ''),
      locked: wallet?.locked === true,
    })),
  ]
}

export type PreviewState =
  | { kind: 'none' }
  | { kind: 'pending' }
  | { kind: 'ready'; preview: OrderPreview }
  | { kind: 'failed'; message: string }

export const PREVIEW_DEBOUNCE_MS = 250

/**
 * What the draft would do, asked a moment after its last change and again when `asOf` (the book's height)
 * moves; answers to older drafts are dropped.
 */
export function useOrderPreview(draft: OrderDraft | null, asOf: number | null): PreviewState {
  const actions = useHyperMesh(selectActions)
  // The last answer and the draft it answers: a newer draft shows "pending" until its own answer comes.
  const [answer, setAnswer] = useState<{ draft: OrderDraft; state: PreviewState } | null>(null)
  useEffect(() => {
    if (draft == null) return
    let current = true
    const timer = setTimeout(() => {
      void actions.previewOrder(draft).then((outcome) => {
        if (!current) return
        setAnswer({
          draft,
          state: outcome.ok
            ? { kind: 'ready', preview: outcome.value }
            : { kind: 'failed', message: outcome.message },
        })
      })
    }, PREVIEW_DEBOUNCE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [actions, draft, asOf])
  if (draft == null) return { kind: 'none' }
  return answer?.draft === draft ? answer.state : { kind: 'pending' }
}

export const LOCKED_ACCOUNT = 'Unlock the wallet to sign with this account.'

/** Why Place is disabled now, or null when it is not. */
export function placeBlocker(state: {
  problem: string | null
  preview: PreviewState
  locked: boolean
  placing: boolean
}): string | null {
  const { problem, preview, locked, placing } = state
  if (placing) return 'The order is being placed.'
  if (problem != null) return problem
  if (locked) return LOCKED_ACCOUNT
  if (preview.kind === 'none') return 'Type a price and a quantity.'
  if (preview.kind === 'pending') return 'Waiting for the preview…'
  if (preview.kind === 'failed') return `No preview: ${withAdvice(preview.message)}`
  if (preview.preview.problems.length > 0) return 'The order cannot be placed as it stands (see above).'
  return null
}
