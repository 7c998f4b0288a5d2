/**
 * `/hypermesh/jobs/1.0.0`: a submitter asks a provider to run one job. Frames are length-prefixed; JSON
 * headers are at most MAX_HEADER_BYTES, raw data frames at most MAX_DATA_FRAME_BYTES.
 *
 *   submitter → provider  { type: 'quote', runtime }              (instead of an offer: what would you ask?)
 *   provider → submitter  { ok: true, pricePerCoreHour, offerMillicores, privacy } | refusal; the end
 *
 *   submitter → provider  { type: 'offer', job }                  the signed spec
 *   provider → submitter  { ok: true, pricePerCoreHour } | refusal
 *   submitter → provider  code bytes, then input bytes            exactly codeBytes + inputBytes, in frames
 *   provider → submitter  { type: 'running' }                     hashes matched; the run has started
 *   provider → submitter  { type: 'log', text }*                  the job's stderr, at most 8 KiB in all
 *   provider → submitter  { type: 'result', receipt } + output    the signed work receipt, then its output
 *
 * Any refusal is `{ ok: false, code, message }` and ends the stream.
 */
import { z } from 'zod'
import { JobRuntime } from '../../../shared/jobs-schemas'
import { PrivacyLevel } from '../../../shared/sharing-schemas'
import { SignedJobSpec, SignedWorkReceipt } from '../../consensus'

export const JOBS_PROTOCOL = '/hypermesh/jobs/1.0.0'
export const MAX_HEADER_BYTES = 24 * 1024
/** libp2p resets a stream that buffers more than 4 MiB unread, so code, input and output travel in frames. */
export const MAX_DATA_FRAME_BYTES = 256 * 1024
/** The most of a job's log a provider sends, and a submitter keeps per provider. */
export const MAX_LOG_BYTES = 8 * 1024

const Amount = z.string().regex(/^(0|[1-9][0-9]{0,29})$/)
export const OfferMessage = z.object({ type: z.literal('offer'), job: SignedJobSpec }).strict()
export const QuoteRequest = z.object({ type: z.literal('quote'), runtime: JobRuntime }).strict()
export type QuoteRequest = z.infer<typeof QuoteRequest>
export const QuoteMessage = z
  .object({ ok: z.literal(true), pricePerCoreHour: Amount, offerMillicores: Amount, privacy: PrivacyLevel })
  .strict()
export type QuoteMessage = z.infer<typeof QuoteMessage>
export const Accepted = z.object({ ok: z.literal(true), pricePerCoreHour: Amount }).strict()
export const Refusal = z
  .object({ ok: z.literal(false), code: z.string().max(64), message: z.string().max(1024) })
  .strict()
export const RunningMessage = z.object({ type: z.literal('running') }).strict()
export const LogMessage = z.object({ type: z.literal('log'), text: z.string().max(MAX_LOG_BYTES) }).strict()
export const ResultMessage = z.object({ type: z.literal('result'), receipt: SignedWorkReceipt }).strict()
export const ProviderMessage = z.union([RunningMessage, LogMessage, ResultMessage, Refusal])
export type ProviderMessage = z.infer<typeof ProviderMessage>

/** Why a provider refused a job; the submitter shows the message and asks another provider. */
export const OFFER_REFUSALS = [
  'malformed',
  'not-allowed',
  'busy',
  'unsupported',
  'too-large',
  'price',
  'no-escrow',
  'bad-signature',
  'wrong-network',
  'expired',
  'bad-data',
  'failed',
] as const
export type OfferRefusalCode = (typeof OFFER_REFUSALS)[number]

export class JobRefusal extends Error {
  constructor(
    readonly code: OfferRefusalCode | string,
    message: string,
  ) {
    super(message)
    this.name = 'JobRefusal'
  }
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** A JSON header under `schema`, or null for anything else (oversized, not UTF-8, not JSON, wrong shape). */
export function parseHeader<T>(bytes: Uint8Array, schema: z.ZodType<T>): T | null {
  if (bytes.length > MAX_HEADER_BYTES) return null
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return null
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? parsed.data : null
}
