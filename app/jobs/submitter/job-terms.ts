/**
 * A job request from the UI into a signed spec, and what it would cost: the checks that refuse a job
 * before anything is sent or charged.
 */
import { createHash, randomBytes } from 'node:crypto'
import { formatCaesar } from '../../../shared/chain-schemas'
import { JOB_RUNTIME_INFO, type JobEstimate, type JobSubmitRequest } from '../../../shared/jobs-schemas'
import { parseDispatch } from '../../../shared/gpu/wgsl-job'
import { JobSpec, RECORDS_VERSION } from '../../consensus'
import { JobRequestError } from '../errors'
import { worstCaseCost } from '../provider/offer-checks'

/** How long a job stays open for placement beyond three times its wall time. */
const PLACEMENT_MARGIN_MS = 5 * 60 * 1000
const MAX_LIFETIME_MS = 24 * 3600 * 1000

/** An amount of units in words, as the UI shows amounts: "0.041667 CAESAR". */
const caesar = (units: bigint | string): string => `${formatCaesar(units.toString())} CAESAR`

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

export function specOf(
  request: JobSubmitRequest,
  data: { code: Uint8Array; input: Uint8Array },
  who: { networkId: string; submitter: string; submitterPeer: string; now: number },
): JobSpec {
  const parsed = JobSpec.safeParse({
    v: RECORDS_VERSION,
    networkId: who.networkId,
    jobId: randomBytes(32).toString('hex'),
    submitter: who.submitter,
    submitterPeer: who.submitterPeer,
    runtime: request.runtime,
    codeHash: sha256Hex(data.code),
    codeBytes: data.code.length,
    inputHash: sha256Hex(data.input),
    inputBytes: data.input.length,
    args: request.args,
    limits: request.limits,
    redundancy: request.redundancy,
    maxPayment: request.maxPayment,
    maxPricePerCoreHour: request.maxPricePerCoreHour,
    privacy: request.privacy,
    grants: { clock: false, random: false },
    createdAt: who.now,
    expiresAt: who.now + Math.min(MAX_LIFETIME_MS, 3 * request.limits.wallMs + PLACEMENT_MARGIN_MS),
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new JobRequestError(
      'bad-request',
      `${issue?.path.join('.') ?? 'job'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return parsed.data
}

/** What the providers asked said of a job (provider-quotes.ts), for its estimate. */
export interface ProviderAnswers {
  /** Peers that could be asked: members and servers of registered assets of the job's resource. */
  candidates: number
  /** The prices of those that would take the job, cheapest first. */
  takers: bigint[]
  /** Why the others would not, each as "<peer>: <reason>". */
  refusals: string[]
}

/**
 * The job's cost bounds: the worst case at its highest accepted price (each run uses at most its share for
 * its wall time), the likely case at the prices of the providers that would take it; and why it could not
 * be placed as it stands. Nothing is charged for a job with problems: it is refused before its escrow.
 */
export function estimateOf(
  request: JobSubmitRequest,
  ctx: ProviderAnswers & { balance: bigint | null; fee: bigint; hasLedger: boolean },
): JobEstimate {
  const { redundancy } = request
  const perRun = worstCaseCost({ limits: request.limits }, BigInt(request.maxPricePerCoreHour))
  const worst = perRun * BigInt(redundancy + (redundancy >= 2 ? 1 : 0))
  const cheapest = ctx.takers.slice(0, redundancy)
  const expected =
    cheapest.length < redundancy
      ? perRun * BigInt(redundancy)
      : cheapest.reduce((sum, price) => sum + worstCaseCost({ limits: request.limits }, price), 0n)
  const problems: string[] = []
  if (!ctx.hasLedger)
    problems.push('this node has no ledger to hold the budget in escrow yet; wait for it to sync')
  const resource = JOB_RUNTIME_INFO[request.runtime].resource.toUpperCase()
  const why = ctx.refusals.length === 0 ? '' : ` (${ctx.refusals.slice(0, 3).join('; ')})`
  if (ctx.candidates === 0)
    problems.push(`no peer on this network shares its ${resource}; join a network with providers`)
  else if (ctx.takers.length === 0)
    problems.push(`none of the ${ctx.candidates} providers asked would take this job now${why}`)
  else if (ctx.takers.length < redundancy)
    problems.push(
      `${redundancy} providers must agree, but only ${ctx.takers.length} of the ${ctx.candidates} asked would take this job now${why}`,
    )
  const dispatch = request.runtime === 'wgsl' ? parseDispatch(request.args) : null
  if (dispatch != null && 'problem' in dispatch) problems.push(dispatch.problem)
  if (BigInt(request.maxPayment) < perRun * BigInt(redundancy))
    problems.push(
      `the budget ${caesar(request.maxPayment)} is below the ${caesar(perRun * BigInt(redundancy))} that ${redundancy} full runs could cost; raise it or lower the price or limits`,
    )
  if (ctx.balance != null && ctx.balance < BigInt(request.maxPayment) + ctx.fee)
    problems.push(
      `this account holds ${caesar(ctx.balance)}; the budget and the fee need ${caesar(BigInt(request.maxPayment) + ctx.fee)}`,
    )
  return {
    providersAvailable: ctx.takers.length,
    cheapestPricePerCoreHour: ctx.takers[0]?.toString() ?? null,
    worstCaseCost: worst.toString(),
    expectedCost: expected.toString(),
    problems,
  }
}
