/**
 * Runs one job on providers: each of the `redundancy` replica slots asks candidates in turn until one
 * accepts and returns a result (a refusal or a provider that goes away passes the slot to the next
 * candidate), then the results are compared (verdict.ts); when they disagree, one more provider breaks
 * the tie. Every provider's part is reported as it changes.
 */
import type { Connection } from '@libp2p/interface'
import type { ProviderRun } from '../../../shared/jobs-schemas'
import type { SignedJobSpec } from '../../consensus'
import { JobRefusal, MAX_LOG_BYTES } from '../protocol/messages'
import { runOnProvider, type ProviderResult } from './job-client'
import { verdictOf, type FinishedRun, type Verdict } from './verdict'

export interface PlacementParts {
  candidates: string[]
  reach(peer: string): Promise<Connection>
  addressOfKey(key: string): string | null
  /** Called whenever a provider's part changes. */
  report(peer: string, change: Partial<ProviderRun> & { role?: ProviderRun['role'] }): void
  /** Called with each run that comes back with a receipt and output, as it comes (kept for settling). */
  returned(run: FinishedRun): void
  signal: AbortSignal
  now: () => number
}

export interface PlacementOutcome {
  verdict: Verdict
  runs: FinishedRun[]
  outputs: Map<string, Uint8Array>
  /** Why each provider asked did not take or finish the job. */
  refusals: string[]
}

export async function placeJob(
  job: { signed: SignedJobSpec; code: Uint8Array; input: Uint8Array },
  parts: PlacementParts,
): Promise<PlacementOutcome> {
  const queue = [...parts.candidates]
  const runs: FinishedRun[] = []
  const outputs = new Map<string, Uint8Array>()
  const refusals: string[] = []
  const fill = async (role: ProviderRun['role']): Promise<void> => {
    for (let peer = queue.shift(); peer != null; peer = queue.shift()) {
      if (parts.signal.aborted) return
      const result = await tryProvider(peer, role, job, parts).catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err)
        refusals.push(`${peer.slice(-8)}: ${reason}`)
        parts.report(peer, {
          state: err instanceof JobRefusal && isRefusal(err) ? 'refused' : 'failed',
          reason,
          endedAt: parts.now(),
        })
        return null
      })
      if (result == null) continue
      const run = { peerId: peer, receipt: result.receipt }
      runs.push(run)
      outputs.set(peer, result.output)
      parts.returned(run)
      return
    }
  }
  const redundancy = job.signed.spec.redundancy
  await Promise.all(Array.from({ length: redundancy }, () => fill('replica')))
  let verdict = verdictOf(runs, redundancy)
  if (verdict.kind === 'undecided' && redundancy >= 2 && runs.length >= 2 && !parts.signal.aborted) {
    await fill('tie-breaker')
    verdict = verdictOf(runs, redundancy)
  }
  return { verdict, runs, outputs, refusals }
}

const isRefusal = (err: JobRefusal): boolean => !['bad-receipt', 'malformed'].includes(err.code)

async function tryProvider(
  peer: string,
  role: ProviderRun['role'],
  job: { signed: SignedJobSpec; code: Uint8Array; input: Uint8Array },
  parts: PlacementParts,
): Promise<ProviderResult> {
  parts.report(peer, { role, state: 'asked', startedAt: parts.now() })
  const connection = await parts.reach(peer)
  let log = ''
  const result = await runOnProvider(connection, job, {
    signal: parts.signal,
    addressOfKey: parts.addressOfKey,
    accepted: (price) => parts.report(peer, { state: 'sending', pricePerCoreHour: price }),
    running: () => parts.report(peer, { state: 'running' }),
    log: (text) => {
      log = (log + text).slice(-MAX_LOG_BYTES)
      parts.report(peer, { log })
    },
  })
  const { receipt } = result.receipt
  parts.report(peer, {
    state: 'returned',
    status: receipt.status,
    outputHash: receipt.outputHash,
    cpuMillis: receipt.cpuMillis,
    endedAt: parts.now(),
  })
  return result
}
