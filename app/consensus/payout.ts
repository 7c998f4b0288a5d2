/**
 * Payout accounts: an account that earns (a node's account, which signs its claims, settlements and
 * leases) may name another account its earnings are paid to, such as a wallet account the person keeps
 * the words of. Several nodes can so earn into one wallet while each node key keeps signing only what the
 * node signs. Earnings are epoch rewards, job payments and released lease escrows; the payout account is
 * one hop (it is never followed further), and `payout-set` back to the sender itself clears it.
 */
import { reject } from './errors'
import { EMPTY_ACCOUNT, type LedgerState } from './state'
import type { TxBody } from './tx'

export function applyPayoutSet(state: LedgerState, body: Extract<TxBody, { kind: 'payout-set' }>): void {
  const current = state.payoutTo.get(body.from) ?? body.from
  if (current === body.to) reject('duplicate', `earnings of ${body.from} are already paid to ${body.to}`)
  if (body.to === body.from) state.payoutTo.delete(body.from)
  else state.payoutTo.set(body.from, body.to)
}

/** The account that `earner`'s earnings are paid to. */
export const payoutAccountOf = (state: LedgerState, earner: string): string =>
  state.payoutTo.get(earner) ?? earner

/**
 * Pays `amount` that `earner` earned, to its payout account. applyTx keeps a credit to the sender of the
 * transaction being executed, so this may pay the sender too.
 */
export function creditEarnings(state: LedgerState, earner: string, amount: bigint): void {
  if (amount === 0n) return
  const to = payoutAccountOf(state, earner)
  const account = state.account(to) ?? EMPTY_ACCOUNT
  state.accounts.set(to, { ...account, balance: account.balance + amount })
}
