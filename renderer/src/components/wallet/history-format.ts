/** Words and amounts for the History card. Pure functions; the tests pin their output. */
import {
  formatCaesar,
  type ChainStatus,
  type Contact,
  type HistoryCategory,
  type HistoryEntry,
  type WalletAccount,
} from '../../../../shared/api'

/** Each transaction kind (and block event) as a person would say what happened. */
const KIND_LABELS: Readonly<Record<string, string>> = {
  transfer: 'Transfer',
  stake: 'Stake',
  unstake: 'Unstake',
  'validator-join': 'Joined the validators',
  'validator-leave': 'Left the validators',
  'asset-register': 'Asset registered',
  'usage-claim': 'Usage reward claimed',
  'peer-bind': 'Peer bound',
  'job-escrow': 'Job escrow',
  'job-settle': 'Job settled',
  'job-claim': 'Job payment claimed',
  'job-refund': 'Job escrow refunded',
  'payout-set': 'Payout account set',
  'order-buy': 'Buy order',
  'order-sell': 'Sell order',
  'order-cancel': 'Order cancelled',
  'lease-release': 'Payment released',
  'lease-refund': 'Lease refunded',
  reward: 'Epoch reward',
  fill: 'Trade filled',
  'block-fees': 'Block fees earned',
  unbonded: 'Stake released',
  slashed: 'Slashed',
}

/** A kind in words; one this view does not know yet reads as its name ("new-kind" → "New kind"). */
export function historyKindLabel(kind: string): string {
  const known = KIND_LABELS[kind]
  if (known != null) return known
  const words = kind.replace(/[-_]+/g, ' ').trim()
  return words === '' ? 'Unknown' : words.charAt(0).toUpperCase() + words.slice(1)
}

export const CATEGORY_LABELS: Readonly<Record<HistoryCategory, string>> = {
  sent: 'Sent',
  received: 'Received',
  staked: 'Staked',
  rewards: 'Rewards',
  escrow: 'Escrow',
  trades: 'Trades',
  other: 'Other',
}

/** The filter with `category` turned on or off. */
export function toggleCategory(
  categories: readonly HistoryCategory[],
  category: HistoryCategory,
): HistoryCategory[] {
  return categories.includes(category) ? categories.filter((c) => c !== category) : [...categories, category]
}

/** A signed amount of units in CAESAR, its sign shown: "+2.5 CAESAR", "-0.00001 CAESAR", "0 CAESAR". */
export function signedCaesar(units: string): string {
  const negative = units.startsWith('-')
  const magnitude = negative ? units.slice(1) : units
  if (/^0*$/.test(magnitude)) return '0 CAESAR'
  return `${negative ? '-' : '+'}${formatCaesar(magnitude)} CAESAR`
}

/** Whether a signed amount of units is zero ("0", "-0"). */
export const isZeroAmount = (units: string): boolean => /^-?0*$/.test(units)

/** Where the entry stands: "Pending", or the block that committed it. */
export const historyStatusLabel = (entry: Pick<HistoryEntry, 'status' | 'height'>): string =>
  entry.status === 'pending' || entry.height == null ? 'Pending' : `Block ${entry.height}`

/** An account the card can show the history of. */
export interface HistoryAccount {
  address: string
  label: string
}

/**
 * The accounts of this node whose history can be shown: the wallet's (listed while it is locked too), then
 * the node's own (once it follows a chain).
 */
export function historyAccounts(
  walletAccounts: readonly WalletAccount[],
  chain: ChainStatus | null,
): HistoryAccount[] {
  const wallet = walletAccounts.map((account) => ({
    address: account.address,
    label: `Account ${account.index + 1} · ${account.address.slice(0, 8)}…`,
  }))
  if (chain?.available !== true || wallet.some((a) => a.address === chain.self.address)) return wallet
  return [...wallet, { address: chain.self.address, label: `This node · ${chain.self.address.slice(0, 8)}…` }]
}

/** Names for the addresses this node knows: its contacts', and its own accounts' (which come first). */
export function knownNames(
  own: readonly HistoryAccount[],
  contacts: readonly Contact[],
): ReadonlyMap<string, string> {
  const names = new Map(contacts.map((contact) => [contact.address, contact.name]))
  for (const account of own) names.set(account.address, account.label)
  return names
}

/** The account to show: the one shown, while it is still offered; otherwise the first offered. */
export function chosenAccount(shown: string | null, offered: readonly HistoryAccount[]): string | null {
  if (shown != null && offered.some((a) => a.address === shown)) return shown
  return offered[0]?.address ?? null
}

/** A message from the node (or the store), then what the person can do about it. */
export const withNextStep = (message: string, step: string): string =>
  `${message}${/[.!?]$/.test(message) ? '' : '.'} ${step}`
