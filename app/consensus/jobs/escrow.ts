/**
 * Jobs on the ledger: the state transition rules of `job-escrow`, `job-settle`, `job-claim` and
 * `job-refund` (docs/consensus.md, Jobs on the ledger).
 *
 * 1. The submitter escrows the most its job may cost: the signed spec (records/job-spec.ts) moves
 *    `maxPayment` from its balance into `state.jobEscrows`, once per job id.
 * 2. Before `settleBy` (the spec's expiry plus {@link SETTLE_WINDOW_MS}) the payer settles: it pays the
 *    providers whose work receipts (records/work-receipt.ts) it accepts, price × measured CPU time, and
 *    names the providers its accepted result outvoted (evidence against them, unpaid). The rest stays held.
 * 3. Until {@link JOB_CLAIM_WINDOW_MS} after `settleBy`, a provider the settlement did not name (or any,
 *    if the payer never settled) may claim its own receipt from what is held: a payer cannot settle
 *    paying nobody and take the budget back. Claims on an unsettled escrow start at `settleBy`.
 * 4. After that window the payer takes back what remains (`job-refund`).
 *
 * Accepted work that at least two providers agree on is the PoWork of the jobs system: its paid CPU time
 * joins the epoch's usage tally for (provider, cpu or gpu), which the first block of the next epoch pays
 * from the emission like any usage (rewards/usage-claims.ts).
 */
import { JOB_RUNTIME_INFO } from '../../../shared/jobs-schemas'
import { fromBase64 } from '../codec'
import { reject } from '../errors'
import type { ChainParams } from '../params'
import { JobSpecError, verifyJobSpec, type JobSpecRefusal } from '../records/job-spec'
import { workCost, workReceiptRefusal, type SignedWorkReceipt } from '../records/work-receipt'
import type { RejectionCode } from '../errors'
import { scheduleOf, usageKey, weightedUse } from '../rewards/schedule'
import { falcon1024Scheme } from '../signature-scheme'
import { creditEarnings } from '../payout'
import type { Account, JobEscrow, LedgerState } from '../state'
import { addressOf, type TxBody } from '../tx'

/** How long after a job expires its payer may settle it. */
export const SETTLE_WINDOW_MS = 3600 * 1000
/** How long after `settleBy` providers may claim from an escrow the payer never settled. */
export const JOB_CLAIM_WINDOW_MS = 3600 * 1000

export interface JobContext {
  readonly networkId: string
  readonly params: ChainParams
  /** The time of the block the transaction is executed in. */
  readonly timeMs: number
}

type Body<K extends TxBody['kind']> = Extract<TxBody, { kind: K }>

const short = (jobId: string): string => `${jobId.slice(0, 12)}…`

/** The ledger's address of a FALCON key in base64, or null when it is not one. */
function falconAddressOf(publicKeyBase64: string): string | null {
  try {
    return addressOf(falcon1024Scheme, fromBase64(publicKeyBase64))
  } catch {
    return null
  }
}

const SPEC_REFUSALS: Readonly<Record<JobSpecRefusal, RejectionCode>> = {
  malformed: 'malformed',
  oversized: 'oversized',
  'bad-signature': 'bad-signature',
  'wrong-key': 'wrong-key',
  'wrong-network': 'wrong-chain',
  expired: 'stale',
}

/** What a `job-escrow` takes from its sender's balance besides the fee. */
export const escrowSpend = (body: Body<'job-escrow'>): bigint => BigInt(body.job.spec.maxPayment)

/** `job-escrow`: checks the sender's signed spec and records its budget (already taken by the caller). */
export function applyJobEscrow(state: LedgerState, body: Body<'job-escrow'>, ctx: JobContext): void {
  const { spec } = body.job
  if (spec.submitter !== body.from)
    reject('not-authorized', `job ${short(spec.jobId)} is submitted by ${spec.submitter}; only it escrows`)
  if (body.job.submitterKey !== body.publicKey)
    reject('wrong-key', "the job spec is signed with another key than the sender's")
  try {
    verifyJobSpec(body.job, { networkId: ctx.networkId, now: ctx.timeMs, addressOfKey: falconAddressOf })
  } catch (err) {
    if (err instanceof JobSpecError) reject(SPEC_REFUSALS[err.code], err.message)
    throw err
  }
  if (state.jobEscrows.has(spec.jobId)) reject('duplicate', `job ${short(spec.jobId)} was escrowed before`)
  state.jobEscrows.set(spec.jobId, {
    payer: body.from,
    amount: BigInt(spec.maxPayment),
    redundancy: spec.redundancy,
    maxPricePerCoreHour: BigInt(spec.maxPricePerCoreHour),
    maxCpuMillis: Math.floor((spec.limits.millicores * spec.limits.wallMs) / 1000),
    runtime: spec.runtime,
    privacy: spec.privacy,
    expiresAt: spec.expiresAt,
    settleBy: spec.expiresAt + SETTLE_WINDOW_MS,
    status: 'open',
    claimedBy: [],
    paid: [],
  })
}

/** The escrow of `jobId`, still open; refuses an unknown or closed one. */
function openEscrow(state: LedgerState, jobId: string): JobEscrow {
  const escrow = state.jobEscrows.get(jobId)
  if (escrow == null) return reject('unknown-job', `job ${short(jobId)} has no escrow on the ledger`)
  if (escrow.status !== 'open') reject('job-closed', `the escrow of job ${short(jobId)} is ${escrow.status}`)
  return escrow
}

function payersEscrow(state: LedgerState, jobId: string, from: string): JobEscrow {
  const escrow = openEscrow(state, jobId)
  if (escrow.payer !== from) reject('not-authorized', `only the payer ${escrow.payer} settles or refunds it`)
  return escrow
}

/**
 * Checks one receipt against an escrow, cheapest checks first and the FALCON signature last: a receipt
 * for this job and network, signed by its provider's account key, at an accepted price and CPU time, not
 * by the payer, and ended by the time of this block.
 */
function checkReceipt(signed: SignedWorkReceipt, jobId: string, escrow: JobEscrow, ctx: JobContext): void {
  const r = signed.receipt
  const bad = (why: string): never => reject('invalid-receipt', `receipt of ${r.providerAccount}: ${why}`)
  if (r.providerAccount === escrow.payer) bad('a payer cannot be paid for its own job')
  if (r.runtime !== escrow.runtime) bad(`the job runs on ${escrow.runtime}, not ${r.runtime}`)
  if (BigInt(r.pricePerCoreHour) > escrow.maxPricePerCoreHour)
    bad(`price ${r.pricePerCoreHour} is above the job's maximum ${escrow.maxPricePerCoreHour}`)
  if (r.cpuMillis > escrow.maxCpuMillis)
    bad(`${r.cpuMillis} ms of CPU time is more than the job's limits allow (${escrow.maxCpuMillis})`)
  if (r.endsAt > ctx.timeMs + ctx.params.maxClockDriftMs) bad('the run ends after the time of this block')
  const refusal = workReceiptRefusal(signed, {
    networkId: ctx.networkId,
    jobId,
    addressOfKey: falconAddressOf,
  })
  if (refusal != null) bad(refusal)
}

/**
 * The output hash every `ok` receipt in `paid` agrees on (null when none is ok), after checking that the
 * outvoted receipts may be outvoted by it: at least two agree, more than are outvoted, and each outvoted
 * one returned a result that differs.
 */
function acceptedHash(body: Body<'job-settle'>): { hash: string | null; agreeing: number } {
  const ok = body.paid.filter((s) => s.receipt.status === 'ok')
  const hashes = new Set(ok.map((s) => s.receipt.outputHash))
  if (hashes.size > 1)
    reject('invalid-receipt', 'the paid receipts of successful runs disagree on the output; pay one result')
  const hash = ok[0]?.receipt.outputHash ?? null
  if (body.outvoted.length === 0) return { hash, agreeing: ok.length }
  if (ok.length < 2) reject('invalid-receipt', 'outvoting a provider needs at least two agreeing results')
  if (ok.length <= body.outvoted.length)
    reject('invalid-receipt', `${ok.length} agreeing results cannot outvote ${body.outvoted.length}`)
  for (const s of body.outvoted) {
    if (s.receipt.status !== 'ok')
      reject('invalid-receipt', `${s.receipt.providerAccount} returned no result to outvote; pay its time`)
    if (s.receipt.outputHash === hash)
      reject(
        'invalid-receipt',
        `${s.receipt.providerAccount} returned the accepted result; it is not outvoted`,
      )
  }
  return { hash, agreeing: ok.length }
}

/**
 * Adds accepted CPU (or GPU) time to the epoch's usage tally, weighted like a usage claim: a receipt's
 * CPU milliseconds are exactly its millicore·seconds, the unit of CPU and GPU use. Only time that was paid
 * for counts (all of it, or the share the budget covered), so work priced at nothing earns no reward.
 */
function tallyAcceptedWork(
  state: LedgerState,
  escrow: JobEscrow,
  signed: SignedWorkReceipt,
  paid: bigint,
  params: ChainParams,
): void {
  const cost = workCost(signed.receipt)
  if (cost === 0n || paid === 0n) return
  const millis = (BigInt(signed.receipt.cpuMillis) * paid) / cost
  const weighted = weightedUse(millis, escrow.privacy, scheduleOf(params))
  if (weighted === 0n) return
  const key = usageKey(signed.receipt.providerAccount, JOB_RUNTIME_INFO[escrow.runtime].resource)
  state.usage.set(key, (state.usage.get(key) ?? 0n) + weighted)
}

/**
 * `job-settle`: the payer pays every receipt in `paid` its work cost while the budget lasts, in the
 * order given; records each outvoted provider as evidence, unpaid; and takes back the rest. Returns the
 * sender's account with the rest added.
 */
export function applyJobSettle(
  state: LedgerState,
  sender: Account,
  body: Body<'job-settle'>,
  ctx: JobContext,
): Account {
  const escrow = payersEscrow(state, body.jobId, body.from)
  if (ctx.timeMs >= escrow.settleBy)
    reject(
      'stale',
      `job ${short(body.jobId)} was to be settled by ${new Date(escrow.settleBy).toISOString()}`,
    )
  const all = [...body.paid, ...body.outvoted]
  const providers = new Set(all.map((s) => s.receipt.providerAccount))
  if (providers.size !== all.length) reject('duplicate', 'a provider is named twice in one settlement')
  const accepted = acceptedHash(body)
  for (const signed of all) checkReceipt(signed, body.jobId, escrow, ctx)
  let remaining = escrow.amount
  const paid: { account: string; amount: bigint }[] = []
  for (const signed of body.paid) {
    const cost = workCost(signed.receipt)
    const pay = cost < remaining ? cost : remaining
    remaining -= pay
    paid.push({ account: signed.receipt.providerAccount, amount: pay })
    creditEarnings(state, signed.receipt.providerAccount, pay)
    if (accepted.agreeing >= 2 && signed.receipt.status === 'ok')
      tallyAcceptedWork(state, escrow, signed, pay, ctx.params)
  }
  for (const { receipt } of body.outvoted)
    state.jobEvidence.set(`${receipt.providerAccount}|${body.jobId}`, {
      jobId: body.jobId,
      account: receipt.providerAccount,
      provider: receipt.provider,
      outputHash: receipt.outputHash,
      acceptedHash: accepted.hash!,
      height: state.height,
    })
  // What was not paid stays held through the claim window, for providers this settlement left out.
  state.jobEscrows.set(body.jobId, { ...escrow, amount: remaining, status: 'settled', paid })
  return sender
}

/**
 * The escrow a provider may claim from: open (its payer never settled) from `settleBy`, or settled
 * without naming it, from the settlement; until the claim window after `settleBy` closes.
 */
function claimableEscrow(state: LedgerState, jobId: string, provider: string, ctx: JobContext): JobEscrow {
  const escrow = state.jobEscrows.get(jobId)
  if (escrow == null) return reject('unknown-job', `job ${short(jobId)} has no escrow on the ledger`)
  if (escrow.status === 'refunded') reject('job-closed', `the escrow of job ${short(jobId)} is refunded`)
  const closesAt = escrow.settleBy + JOB_CLAIM_WINDOW_MS
  if (escrow.status === 'open' && ctx.timeMs < escrow.settleBy)
    reject('too-early', `its payer may settle job ${short(jobId)} until ${iso(escrow.settleBy)}`)
  if (ctx.timeMs >= closesAt) reject('stale', `claims on job ${short(jobId)} closed at ${iso(closesAt)}`)
  if (escrow.paid.some((p) => p.account === provider))
    reject('duplicate', `${provider} was already paid for this job`)
  if (state.jobEvidence.has(`${provider}|${jobId}`))
    reject('not-authorized', `${provider} was outvoted in this job's settlement; it is not paid`)
  return escrow
}

/**
 * `job-claim`: after `settleBy`, within the claim window, a provider whose payer never settled is paid
 * its own receipt's work cost, at most what remains; once per provider, for at most r + 1 providers.
 */
export function applyJobClaim(
  state: LedgerState,
  sender: Account,
  body: Body<'job-claim'>,
  ctx: JobContext,
): Account {
  const provider = body.receipt.receipt.providerAccount
  if (provider !== body.from)
    reject('not-authorized', `a provider claims its own receipts, not ${provider}'s`)
  const escrow = claimableEscrow(state, body.jobId, provider, ctx)
  if (escrow.paid.length > escrow.redundancy)
    reject(
      'invalid-receipt',
      `at most ${escrow.redundancy + 1} providers claim a job of redundancy ${escrow.redundancy}`,
    )
  checkReceipt(body.receipt, body.jobId, escrow, ctx)
  const cost = workCost(body.receipt.receipt)
  if (cost === 0n) reject('invalid-receipt', 'the receipt’s work costs nothing; there is nothing to claim')
  if (escrow.amount === 0n) reject('job-closed', `the escrow of job ${short(body.jobId)} is spent`)
  const pay = cost < escrow.amount ? cost : escrow.amount
  state.jobEscrows.set(body.jobId, {
    ...escrow,
    amount: escrow.amount - pay,
    claimedBy: [...escrow.claimedBy, provider],
    paid: [...escrow.paid, { account: provider, amount: pay }],
  })
  creditEarnings(state, provider, pay)
  return sender
}

/** `job-refund`: once settling and claiming are over, the payer takes back what remains. */
export function applyJobRefund(
  state: LedgerState,
  sender: Account,
  body: Body<'job-refund'>,
  ctx: JobContext,
): Account {
  const escrow = state.jobEscrows.get(body.jobId)
  if (escrow == null) return reject('unknown-job', `job ${short(body.jobId)} has no escrow on the ledger`)
  if (escrow.payer !== body.from) reject('not-authorized', `only the payer ${escrow.payer} is refunded`)
  if (escrow.status === 'refunded' || escrow.amount === 0n)
    reject('job-closed', `the escrow of job ${short(body.jobId)} holds nothing more`)
  const refundableAt = escrow.settleBy + JOB_CLAIM_WINDOW_MS
  if (ctx.timeMs < refundableAt)
    reject(
      'too-early',
      `job ${short(body.jobId)} is refunded from ${iso(refundableAt)}, after its claim window`,
    )
  state.jobEscrows.set(body.jobId, { ...escrow, amount: 0n, status: 'refunded' })
  return { ...sender, balance: sender.balance + escrow.amount }
}

/**
 * At the start of each block: forgets closed escrows once their spec has expired and every window has
 * passed (their job id can no longer be escrowed: the spec is expired). Open ones stay until refunded.
 */
export function pruneClosedJobs(state: LedgerState): void {
  for (const [jobId, escrow] of state.jobEscrows)
    if (
      escrow.status !== 'open' &&
      escrow.amount === 0n &&
      escrow.settleBy + JOB_CLAIM_WINDOW_MS < state.timeMs
    )
      state.jobEscrows.delete(jobId)
}

const iso = (ms: number): string => new Date(ms).toISOString()
