/**
 * Taking delivery of a fill and offering this node's shared allocation: who may ask for a fill's lease,
 * the form's defaults and requests, and what the node's answers say. Pure functions; the tests pin them.
 */
import type {
  DeliveredFill,
  DeliveryRequest,
  LeaseProbeResult,
  Market,
  ShareOffer,
  ShareOfferRequest,
  Trade,
} from '../../../../shared/api'
import { formatBytes, shortId } from '../../lib/format'
import { quantityText, unitsAsCaesar, withAdvice } from './exchange-format'

const MiB = 1024 ** 2
/** The contract's bounds (shared/exchange-schemas.ts): a lease lasts at most 30 days, an offer too. */
const MAX_MINUTES = 30 * 24 * 60
const MAX_OFFER_HOURS = 30 * 24
const MIN_BYTES = 4096
const MAX_MILLICORES = 1_000_000

/** Only the trade's holder asks the seller for its lease, and only while its escrow is open. */
export const mayTakeDelivery = (trade: Pick<Trade, 'status' | 'holder'>, peerId: string | null): boolean =>
  trade.status === 'open' && peerId != null && trade.holder === peerId

/** What a lease of the market grants, in the form's unit, and its default: 64 MiB, or one core (one GPU). */
export function deliveryAmount(market: Market): { unit: string; initial: string } {
  if (market === 'memory' || market === 'storage') return { unit: 'MiB', initial: '64' }
  return { unit: market === 'gpu' ? 'GPUs' : 'cores', initial: '1' }
}

export interface DeliveryFields {
  minutes: string
  /** MiB for memory and storage; cores (GPUs) for CPU and GPU. */
  amount: string
}

export const initialDeliveryFields = (market: Market): DeliveryFields => ({
  minutes: '60',
  amount: deliveryAmount(market).initial,
})

/** A whole number in [min, max] as typed, or null. */
function wholeIn(text: string, min: number, max: number): number | null {
  if (!/^\s*[0-9]+\s*$/.test(text)) return null
  const value = Number(text)
  return value >= min && value <= max ? value : null
}

/** A positive decimal as typed, or null. */
function positive(text: string): number | null {
  if (!/^\s*[0-9]*\.?[0-9]+\s*$/.test(text)) return null
  const value = Number(text)
  return value > 0 ? value : null
}

/** The amount of a delivery request: bytes for memory and storage, thousandths of a core for CPU and GPU. */
function amountOf(
  market: Market,
  amount: string,
): Pick<DeliveryRequest, 'amountBytes' | 'millicores'> | string {
  const value = positive(amount)
  if (market === 'memory' || market === 'storage') {
    const bytes = value == null ? 0 : Math.round(value * MiB)
    return bytes >= MIN_BYTES && bytes <= Number.MAX_SAFE_INTEGER
      ? { amountBytes: bytes }
      : 'Type an amount of at least 0.004 MiB.'
  }
  const millicores = value == null ? 0 : Math.round(value * 1000)
  return millicores >= 1 && millicores <= MAX_MILLICORES
    ? { millicores }
    : `Type an amount from 0.001 to 1000 ${deliveryAmount(market).unit}.`
}

export type Checked<T> = { request: T; problem: null } | { request: null; problem: string }

/** The request the form asks for, or why it cannot be sent as it stands. */
export function deliveryRequestOf(
  fillId: string,
  market: Market,
  fields: DeliveryFields,
): Checked<DeliveryRequest> {
  const minutes = wholeIn(fields.minutes, 1, MAX_MINUTES)
  if (minutes == null)
    return {
      request: null,
      problem: `Type the minutes as a whole number from 1 to ${MAX_MINUTES} (30 days).`,
    }
  const amount = amountOf(market, fields.amount)
  if (typeof amount === 'string') return { request: null, problem: amount }
  return { request: { fillId, minutes, ...amount }, problem: null }
}

export function offerRequestOf(resource: Market, hours: string): Checked<ShareOfferRequest> {
  const value = wholeIn(hours, 1, MAX_OFFER_HOURS)
  if (value == null)
    return {
      request: null,
      problem: `Type the hours as a whole number from 1 to ${MAX_OFFER_HOURS} (30 days).`,
    }
  return { request: { resource, hours: value }, problem: null }
}

/** "Offered 24 core-hours at 0.5 CAESAR per core-hour; pending until the next block." */
export const offerSummary = (offer: Pick<ShareOffer, 'price' | 'quantity' | 'unit'>): string =>
  `Offered ${quantityText(offer.quantity, offer.unit)} at ${unitsAsCaesar(offer.price)} CAESAR per ${offer.unit}; ` +
  'pending until the next block.'

/** "Lease 7a7a7a7a…7a7a7a from seller 12D3KooW…bCdEf, valid until <time>." */
export const deliveredSummary = (fillId: string, fill: Pick<DeliveredFill, 'owner' | 'expiresAt'>): string =>
  `Lease ${shortId(fillId)} from seller ${shortId(fill.owner)}, valid until ${new Date(fill.expiresAt).toLocaleString()}.`

/** What one use of the lease moved: "Wrote and read back 64 MiB in 12 ms." */
export function probeSummary(result: LeaseProbeResult): string {
  const ms = `${result.ms.toFixed(0)} ms`
  if (result.reservedMillicores == null) return `Wrote and read back ${formatBytes(result.bytes)} in ${ms}.`
  const share =
    result.resource === 'gpu'
      ? `${result.reservedMillicores / 1000} GPUs`
      : `${result.reservedMillicores / 1000} cores`
  const how = result.enforcement != null ? ` (${result.enforcement})` : ''
  return `Used in ${ms}: the seller reserved ${share} for this node${how}.`
}

/** What a person can do about a refused delivery or use, by what the node says. */
const DELIVERY_ADVICE: readonly (readonly [RegExp, string])[] = [
  [/escrow .* is (released|refunded)/i, 'This fill is settled; nothing is left to deliver.'],
  [/is gone/i, 'The seller’s asset has left the ledger; no one can deliver this fill.'],
  [/expired/i, 'The lease has ended; take delivery again for a new one.'],
  [
    /not connected|unreachable|no route|dial|timed? ?out|offline/i,
    'The seller’s node is not reachable now; try again once it is online.',
  ],
  [/refus|declin|denied|not enough|capacity/i, 'Ask for fewer minutes or a smaller amount.'],
]

/** The node's message, and what to do about it: first the delivery's own advice, then the exchange's. */
export function deliveryAdvice(message: string): string {
  const advice = DELIVERY_ADVICE.find(([pattern]) => pattern.test(message))?.[1]
  if (advice == null) return withAdvice(message)
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} ${advice}`
}
