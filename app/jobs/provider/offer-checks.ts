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

/** The spec, once everything holds; otherwise throws JobRefusal naming the first reason. */
export function checkOffer(signed: SignedJobSpec, ctx: OfferContext): JobSpec {
  const { spec } = signed
  const { terms } = ctx
  const refuse = (code: ConstructorParameters<typeof JobRefusal>[0], message: string): never => {
    throw new JobRefusal(code, message)
  }
  if (spec.submitterPeer !== ctx.peer)
    refuse('not-allowed', 'a job is offered by the node that submits it, not on its behalf')
  if (spec.networkId !== ctx.networkId) refuse('wrong-network', 'the job is for another network')
  if (ctx.now >= spec.expiresAt) refuse('expired', 'the job has expired')
  const resource = JOB_RUNTIME_INFO[spec.runtime].resource
  const name = resource.toUpperCase()
  const peerRefusal = terms.refusalFor(ctx.peer, resource)
  if (peerRefusal != null) refuse('not-allowed', peerRefusal)
  const runtimeRefusal = ctx.runtimeRefusal(spec.runtime)
  if (runtimeRefusal != null) refuse('unsupported', runtimeRefusal)
  const offered = terms.offerMillicores(resource)
  if (offered === 0n) refuse('busy', `this node does not share its ${name} now`)
  if (BigInt(spec.limits.millicores) > offered)
    refuse(
      'too-large',
      `the job asks for ${spec.limits.millicores} thousandths of a ${resource === 'gpu' ? 'GPU' : 'core'}; this node offers ${offered}`,
    )
  const privacy = terms.privacy(resource)
  if (!privacyAdmits(privacy, spec.privacy))
    refuse(
      'not-allowed',
      `this node shares its ${name} at level ${privacy}, not at ${spec.privacy} or stricter`,
    )
  const price = terms.pricePerCoreHour(resource)
  const unit = resource === 'gpu' ? 'GPU-hour' : 'core-hour'
  if (price > BigInt(spec.maxPricePerCoreHour))
    refuse('price', `this node asks ${price} per ${unit}; the job pays at most ${spec.maxPricePerCoreHour}`)
  checkEscrow(spec, worstCaseCost(spec, price), ctx.ledger)
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
