/** Words and units for the exchange view. Pure functions; the tests pin their output. */
import {
  formatCaesar,
  type Market,
  type MyOrder,
  type OrderPreview,
  type OrderSide,
  type Trade,
  type WalletStatus,
} from '../../../../shared/api'
import { shortId } from '../../lib/format'

export const MARKET_LABELS: Record<Market, string> = {
  cpu: 'CPU',
  gpu: 'GPU',
  memory: 'Memory',
  storage: 'Storage',
}

/** An amount of base units as CAESAR: "12.5 CAESAR". */
export const caesar = (units: string): string => `${formatCaesar(units)} CAESAR`

/** A quantity with its unit, plural when not 1: "1 core-hour", "3 core-hours". */
export const quantityText = (quantity: string, unit: string): string =>
  `${quantity} ${unit}${quantity === '1' ? '' : 's'}`

/**
 * Base units, possibly with a fraction (an average price), as CAESAR with no rounding: "1500.25" units is
 * "0.00150025". Text that is not a plain number comes back as it is.
 */
export function unitsAsCaesar(units: string): string {
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(units)
  if (match == null) return units
  const whole = formatCaesar(BigInt(match[1]!).toString())
  const extra = (match[2] ?? '').replace(/0+$/, '')
  if (extra === '') return whole
  // The whole units' six decimals, then the fraction of a unit after them.
  const [integer, decimals = ''] = whole.split('.')
  return `${integer}.${decimals.padEnd(6, '0')}${extra}`
}

/** A price per unit: "0.5 CAESAR/core-hour", or "—" when there is none. */
export const priceText = (units: string | null, unit: string): string =>
  units == null ? '—' : `${unitsAsCaesar(units)} CAESAR/${unit}`

/**
 * What an order would do, in one sentence: "Fills 2 core-hours now at an average price of 1.5
 * CAESAR/core-hour, 1 core-hour rests on the book, holds 4.5 CAESAR, fee 0.001 CAESAR, balance after 95.5
 * CAESAR."
 */
export function previewSummary(preview: OrderPreview, side: OrderSide, unit: string): string {
  const fills =
    preview.fillsNow === '0'
      ? 'nothing fills now'
      : `fills ${quantityText(preview.fillsNow, unit)} now at an average price of ${priceText(preview.averagePrice, unit)}`
  const rests =
    preview.rests === '0'
      ? 'nothing rests on the book'
      : `${quantityText(preview.rests, unit)} ${preview.rests === '1' ? 'rests' : 'rest'} on the book`
  // A buy holds its price × quantity; a sell holds nothing and earns its fills once they are delivered.
  const holds =
    side === 'buy'
      ? `holds ${caesar(preview.holds)}`
      : preview.fillValue === '0'
        ? null
        : `earns ${caesar(preview.fillValue)} once delivered`
  const balance =
    preview.balanceAfter == null
      ? `the balance (${caesar(preview.balance)}) cannot pay it`
      : `balance after ${caesar(preview.balanceAfter)}`
  const sentence = [fills, rests, holds, `fee ${caesar(preview.fee)}`, balance].filter(Boolean).join(', ')
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
}

/** An order's state as its badge says it; a refused one says why. */
export function orderStateLabel(order: Pick<MyOrder, 'state' | 'problem'>): string {
  if (order.state === 'refused' && order.problem != null) return `refused: ${order.problem}`
  return order.state
}

export const canCancel = (order: Pick<MyOrder, 'state'>): boolean =>
  order.state === 'open' || order.state === 'partial'

const TRADE_STATUS: Record<Trade['status'], string> = {
  open: 'open escrow',
  released: 'paid out',
  refunded: 'refunded',
}

export const tradeStatusLabel = (status: Trade['status']): string => TRADE_STATUS[status]

/** Which side of a trade this node's accounts were on. */
export function tradeRole(trade: Pick<Trade, 'buyer' | 'seller'>, own: ReadonlySet<string>): string {
  const bought = own.has(trade.buyer)
  const sold = own.has(trade.seller)
  if (bought && sold) return 'bought and sold'
  return bought ? 'bought' : sold ? 'sold' : '—'
}

/**
 * This node's accounts by address, named as the view shows them: the node's, the wallet's, and any other
 * that placed one of `orders` (the node lists only its own).
 */
export function ownAccountNames(
  nodeAddress: string | null,
  wallet: WalletStatus | null,
  orders: readonly Pick<MyOrder, 'account'>[],
): Map<string, string> {
  const names = new Map<string, string>()
  if (nodeAddress != null) names.set(nodeAddress, 'node account')
  for (const account of wallet?.accounts ?? [])
    if (!names.has(account.address)) names.set(account.address, `wallet account ${account.index + 1}`)
  for (const { account } of orders) if (!names.has(account)) names.set(account, shortId(account))
  return names
}

/** A time of day, as the person's locale writes it. */
export const clockTime = (ms: number): string => new Date(ms).toLocaleTimeString()

/** What a person can do about the node's usual refusals, by what the message says. */
const ADVICE: readonly (readonly [RegExp, string])[] = [
  [/locked/i, 'Unlock the wallet to sign with this account.'],
  [
    /balance|funds|cannot pay|insufficient/i,
    'Lower the price or the quantity, or move CAESAR to this account.',
  ],
  [/asset/i, 'Register this resource on the dashboard’s Sharing card, then sell it here.'],
  [/no (ledger|chain)|not available/i, 'This node follows no ledger yet: join a network with a chain first.'],
  [/disconnected|connection/i, 'Your node is not answering; try again once it is connected.'],
]

/** The node's message, and what to do about it where that is known. */
export function withAdvice(message: string): string {
  const advice = ADVICE.find(([pattern]) => pattern.test(message))?.[1]
  if (advice == null) return message
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} ${advice}`
}
