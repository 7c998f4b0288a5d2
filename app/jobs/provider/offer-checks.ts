/**
 * Whether this node takes a job offered to it, decided cheapest first: who asks and whether this node
 * shares the job's resource (CPU, or GPU for WGSL) at all, then what the spec asks for (runtime, limits,
 * privacy, price) against that resource's terms, then
 * the escrow on the ledger, and only then the FALCON signature (about a millisecond): a stranger's junk
 * costs no signature check.
 */
import { JOB_RUNTIME_INFO } from '../../../shared/jobs-schemas'
import { PRIVACY_LEVELS, type PrivacyLevel } from '../../../shared/sharing-schemas'
import { JobSpecError, verifyJobSpec, type JobSpec, type SignedJobSpec } from '../../consensus'
import type { JobsLedgerView, ProviderTerms } from '../ports'
import { JobRefusal } from '../protocol/messages'

export interface OfferContext {
  peer: string
  networkId: string
  now: number
  terms: ProviderTerms
  ledger: JobsLedgerView | null
  /** Null when this node can run the runtime; else why not. */
  runtimeRefusal(runtime: JobSpec['runtime']): string | null
}

/**
 * A provider whose CPU is shared at level `offered` may run a job that needs level `needed` when its level
 * is as strict or stricter (PRIVACY_LEVELS runs from the strictest): a job that needs a private network
 * never runs on a public provider. Private assets take no remote work at all.
 */
export function privacyAdmits(offered: PrivacyLevel, needed: PrivacyLevel): boolean {
  if (offered === 'Private') return false
  return PRIVACY_LEVELS.indexOf(offered) <= PRIVACY_LEVELS.indexOf(needed)
}

/** The most a run under `spec`'s limits can cost at `price` per core-hour (its whole share for its whole time). */
export function worstCaseCost(spec: Pick<JobSpec, 'limits'>, pricePerCoreHour: bigint): bigint {
  const coreMs = BigInt(spec.limits.millicores) * BigInt(spec.limits.wallMs)
  // millicores × ms / (1000 × 3 600 000) core-hours, rounded up.
  return (pricePerCoreHour * coreMs + 3_600_000_000n - 1n) / 3_600_000_000n
}

/** What this node offers now for jobs of one runtime: its price, share and privacy level for them. */
export interface JobQuote {
  pricePerCoreHour: bigint
  offerMillicores: bigint
  privacy: PrivacyLevel
}

/** What a job asks of a provider's terms (a spec's, or a submitter's request before it is signed). */
export type JobAsk = Pick<JobSpec, 'runtime' | 'limits' | 'privacy' | 'maxPricePerCoreHour'>

type QuoteContext = Pick<OfferContext, 'peer' | 'terms' | 'runtimeRefusal'>

const refuse = (code: ConstructorParameters<typeof JobRefusal>[0], message: string): never => {
  throw new JobRefusal(code, message)
}

/**
 * This node's terms for `runtime` as `ctx.peer` may see them: refused when that peer may not use the
 * resource, the runtime cannot run here, or the resource is not shared now. Answers a quote, and is the
 * first half of checking an offer.
 */
export function quoteFor(runtime: JobSpec['runtime'], ctx: QuoteContext): JobQuote {
  const resource = JOB_RUNTIME_INFO[runtime].resource
  const peerRefusal = ctx.terms.refusalFor(ctx.peer, resource)
  if (peerRefusal != null) refuse('not-allowed', peerRefusal)
  const runtimeRefusal = ctx.runtimeRefusal(runtime)
  if (runtimeRefusal != null) refuse('unsupported', runtimeRefusal)
  const offerMillicores = ctx.terms.offerMillicores(resource)
  if (offerMillicores === 0n) refuse('busy', `this node does not share its ${resource.toUpperCase()} now`)
  return {
    pricePerCoreHour: ctx.terms.pricePerCoreHour(resource),
    offerMillicores,
    privacy: ctx.terms.privacy(resource),
  }
}

/**
 * Why a provider with `quote` does not take a job that asks `ask` (too large a share, a laxer privacy
 * level, a higher price), or null when it does. The provider checks offers with it, and the submitter
 * checks quotes with it before anything is signed or escrowed, so both sides agree.
 */
export function askRefusal(ask: JobAsk, quote: JobQuote): JobRefusal | null {
  const resource = JOB_RUNTIME_INFO[ask.runtime].resource
  if (BigInt(ask.limits.millicores) > quote.offerMillicores)
    return new JobRefusal(
      'too-large',
      `the job asks for ${ask.limits.millicores} thousandths of a ${resource === 'gpu' ? 'GPU' : 'core'}; this node offers ${quote.offerMillicores}`,
    )
  if (!privacyAdmits(quote.privacy, ask.privacy))
    return new JobRefusal(
      'not-allowed',
      `this node shares its ${resource.toUpperCase()} at level ${quote.privacy}, not at ${ask.privacy} or stricter`,
    )
  const unit = resource === 'gpu' ? 'GPU-hour' : 'core-hour'
  if (quote.pricePerCoreHour > BigInt(ask.maxPricePerCoreHour))
    return new JobRefusal(
      'price',
      `this node asks ${quote.pricePerCoreHour} per ${unit}; the job pays at most ${ask.maxPricePerCoreHour}`,
    )
  return null
}

/** The spec, once everything holds; otherwise throws JobRefusal naming the first reason. */
export function checkOffer(signed: SignedJobSpec, ctx: OfferContext): JobSpec {
  const { spec } = signed
  if (spec.submitterPeer !== ctx.peer)
    refuse('not-allowed', 'a job is offered by the node that submits it, not on its behalf')
  if (spec.networkId !== ctx.networkId) refuse('wrong-network', 'the job is for another network')
  if (ctx.now >= spec.expiresAt) refuse('expired', 'the job has expired')
  const quote = quoteFor(spec.runtime, ctx)
  const refusal = askRefusal(spec, quote)
  if (refusal != null) throw refusal
  checkEscrow(spec, worstCaseCost(spec, quote.pricePerCoreHour), ctx.ledger)
  try {
    verifyJobSpec(signed, {
      networkId: ctx.networkId,
      now: ctx.now,
      addressOfKey: (key) => ctx.ledger?.addressOfKey(key) ?? null,
    })
  } catch (err) {
    if (err instanceof JobSpecError)
      refuse(
        err.code === 'bad-signature' || err.code === 'wrong-key' ? 'bad-signature' : 'malformed',
        err.message,
      )
    throw err
  }
  return spec
}

/** The job's budget must be held on the ledger, by its submitter, with room for this run at its worst. */
function checkEscrow(spec: JobSpec, worstCase: bigint, ledger: JobsLedgerView | null): void {
  const escrow = ledger?.escrow(spec.jobId)
  if (escrow == null || !escrow.open)
    throw new JobRefusal('no-escrow', 'the job’s budget is not held in escrow on this network’s ledger yet')
  if (escrow.payer !== spec.submitter)
    throw new JobRefusal('no-escrow', 'the escrow of this job is held by another account')
  if (escrow.remaining < worstCase)
    throw new JobRefusal(
      'price',
      `a run could cost up to ${worstCase}; the escrow holds ${escrow.remaining}; raise the budget`,
    )
}
