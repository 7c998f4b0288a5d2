/**
 * One submitted job from escrow to settlement: holds the budget in escrow on the ledger, waits for it to
 * be committed (providers check it), places the job (placement.ts), settles the escrow with the receipts
 * of the runs that count, and records what each provider was paid and what came back.
 */
import type { ProviderRun } from '../../../shared/jobs-schemas'
import type { StoredJob } from '../job-store'
import type { JobsServiceParts } from '../ports'
import { placeJob, type PlacementOutcome } from './placement'
import { receiptsOf, settlementOf } from './settlement'

const ESCROW_WAIT_MS = 60_000
const SETTLE_WAIT_MS = 60_000

export interface DriverHooks {
  job: StoredJob
  save(output?: Uint8Array | null): void
  signal: AbortSignal
}

export async function driveJob(
  parts: JobsServiceParts,
  /** `order`: the providers to ask, in order (job-assessment.ts). */
  data: { code: Uint8Array; input: Uint8Array; order: readonly string[] },
  hooks: DriverHooks,
): Promise<void> {
  const { job } = hooks
  const spec = job.spec.spec
  const update = (change: Partial<StoredJob['summary']>, output?: Uint8Array | null): void => {
    job.summary = { ...job.summary, ...change, updatedAt: (parts.now ?? Date.now)() }
    hooks.save(output)
  }
  try {
    const escrow = parts.submitTx({ kind: 'job-escrow', job: job.spec })
    update({ escrowTx: escrow.txId, reason: 'waiting for the escrow of its budget to be committed' })
    await waitForLedger(
      parts,
      () => parts.ledger()?.escrow(spec.jobId)?.open === true,
      ESCROW_WAIT_MS,
      hooks.signal,
    )
    update({ reason: null })
    const placed = await placeJob(
      { signed: job.spec, code: data.code, input: data.input },
      {
        candidates: [...data.order],
        reach: (peer) => parts.reach(peer),
        addressOfKey: (key) => parts.ledger()?.addressOfKey(key) ?? null,
        report: (peer, change) => {
          job.summary = { ...job.summary, providers: withRun(job.summary.providers, peer, change) }
          update({ state: stateOf(job.summary.providers) })
        },
        // Kept as each comes: if this node stops before settling, it settles from these when it starts.
        returned: (run) => {
          job.receipts = [...job.receipts, { peerId: run.peerId, receipt: run.receipt }]
          hooks.save()
        },
        signal: hooks.signal,
        now: parts.now ?? Date.now,
      },
    )
    update({ state: 'verifying', reason: 'settling the escrow on the ledger' })
    await settle(parts, job, placed, update, hooks.signal)
  } catch (err) {
    if (hooks.signal.aborted) return update({ state: 'cancelled', reason: 'cancelled' })
    parts.log.warn({ err, jobId: spec.jobId }, 'job failed')
    update({ state: 'failed', reason: (err as Error).message })
  }
}

type Update = (change: Partial<StoredJob['summary']>, output?: Uint8Array | null) => void

async function settle(
  parts: JobsServiceParts,
  job: StoredJob,
  placed: PlacementOutcome,
  update: Update,
  signal: AbortSignal,
): Promise<void> {
  const { verdict, paid, outvoted } = settlementOf(placed.runs, job.spec.spec.redundancy)
  const spec = job.spec.spec
  const settled = parts.submitTx({
    kind: 'job-settle',
    jobId: spec.jobId,
    paid: receiptsOf(paid),
    outvoted: receiptsOf(outvoted),
  })
  update({ settleTx: settled.txId })
  await waitForLedger(parts, () => parts.ledger()?.escrow(spec.jobId)?.open === false, SETTLE_WAIT_MS, signal)
  const ledger = parts.ledger()
  let cost = 0n
  const providers = job.summary.providers.map((run) => {
    const receipt = placed.runs.find((r) => r.peerId === run.peerId)?.receipt
    if (receipt == null) return run
    const amount = ledger?.paidTo(receipt.receipt.providerAccount, spec.jobId) ?? 0n
    cost += amount
    const state: ProviderRun['state'] = outvoted.some((r) => r.peerId === run.peerId)
      ? 'outvoted'
      : verdict.kind === 'decided' && verdict.agreeing.some((r) => r.peerId === run.peerId)
        ? 'accepted'
        : run.state
    return { ...run, state, paid: amount.toString() }
  })
  const decided = verdict.kind === 'decided'
  const output = decided ? (placed.outputs.get(verdict.agreeing[0]!.peerId) ?? null) : null
  update(
    {
      providers,
      state: decided && verdict.result.status === 'ok' ? 'done' : 'failed',
      reason: outcomeReason(placed),
      verified: decided && verdict.agreeing.length >= 2,
      outputHash: decided ? verdict.result.outputHash : null,
      outputBytes: output?.length ?? null,
      cost: cost.toString(),
      // The rest is held through the providers' claim window, then taken back (unsettled-jobs.ts).
      refunded: ledger?.escrow(spec.jobId)?.remaining === 0n ? '0' : null,
    },
    output,
  )
}

/** Why a job ended as it did, in words; null for a result that `redundancy` providers agree on. */
function outcomeReason(placed: PlacementOutcome): string | null {
  const { verdict } = placed
  if (verdict.kind === 'undecided') {
    const why = placed.refusals.length > 0 ? `; ${placed.refusals.join('; ')}` : ''
    return `${verdict.reason}${why}`
  }
  const { status } = verdict.result
  if (status === 'ok') return verdict.agreeing.length >= 2 ? null : 'unverified: one provider ran it'
  return `the job ended with "${status}" on every provider that ran it; they were paid for the CPU time used`
}

/** The job's state from its providers' parts: running while any runs, placing before. */
function stateOf(providers: readonly ProviderRun[]): StoredJob['summary']['state'] {
  return providers.some((p) => p.state === 'running' || p.state === 'sending' || p.state === 'returned')
    ? 'running'
    : 'placing'
}

const EMPTY_RUN = {
  state: 'asked',
  reason: null,
  pricePerCoreHour: null,
  status: null,
  outputHash: null,
  cpuMillis: null,
  paid: null,
  log: '',
  startedAt: null,
  endedAt: null,
} as const

function withRun(runs: readonly ProviderRun[], peer: string, change: Partial<ProviderRun>): ProviderRun[] {
  const found = runs.find((run) => run.peerId === peer)
  if (found == null) return [...runs, { peerId: peer, role: 'replica', ...EMPTY_RUN, ...change }]
  return runs.map((run) => (run === found ? { ...run, ...change } : run))
}

/** Resolves once `holds()` is true after a block (or now); rejects after `ms` saying what it waited for. */
function waitForLedger(
  parts: JobsServiceParts,
  holds: () => boolean,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (holds()) return resolve()
    const done = (err?: Error): void => {
      clearTimeout(timer)
      off()
      signal.removeEventListener('abort', aborted)
      if (err == null) resolve()
      else reject(err)
    }
    const aborted = (): void => done(new Error('cancelled'))
    const timer = setTimeout(
      () =>
        done(
          new Error(
            `the ledger did not commit the job's transaction within ${ms / 1000} s; is the network making blocks?`,
          ),
        ),
      ms,
    )
    const off = parts.onBlock(() => {
      if (holds()) done()
    })
    signal.addEventListener('abort', aborted, { once: true })
  })
}
