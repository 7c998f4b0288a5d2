/**
 * What several providers' runs of one job add up to. A run's result is its status and output hash; runs
 * agree when both match. The job is decided when one result is held by at least `redundancy` runs and by
 * more runs than any other result (with redundancy 1, the one run decides, unverified). Runs that
 * finished `ok` with another output are outvoted: unpaid, and evidence against their accounts. Runs that
 * failed otherwise (error, timeout, memory, output limit) beside an accepted result are paid for the CPU
 * time they used, as any failed run is.
 */
import type { SignedWorkReceipt } from '../../consensus'

export interface FinishedRun {
  peerId: string
  receipt: SignedWorkReceipt
}

export type Verdict =
  | {
      kind: 'decided'
      result: { status: string; outputHash: string }
      agreeing: FinishedRun[]
      paidFailures: FinishedRun[]
      outvoted: FinishedRun[]
    }
  | { kind: 'undecided'; reason: string }

const resultKey = (run: FinishedRun): string =>
  `${run.receipt.receipt.status}|${run.receipt.receipt.outputHash}`

export function verdictOf(runs: readonly FinishedRun[], redundancy: number): Verdict {
  const groups = new Map<string, FinishedRun[]>()
  for (const run of runs) groups.set(resultKey(run), [...(groups.get(resultKey(run)) ?? []), run])
  const ranked = [...groups.values()].sort((a, b) => b.length - a.length)
  const [best, second] = ranked
  if (best == null) return { kind: 'undecided', reason: 'no provider returned a result' }
  if (best.length < redundancy)
    return { kind: 'undecided', reason: `${best.length} of the ${redundancy} runs needed agree` }
  if (second != null && second.length >= best.length)
    return { kind: 'undecided', reason: 'providers disagree and no result has a majority' }
  const chosen = best[0]!.receipt.receipt
  const others = runs.filter((run) => resultKey(run) !== resultKey(best[0]!))
  // Only a run that finished with other output is outvoted; a run that failed is paid for its time.
  const outvoted =
    chosen.status === 'ok' && best.length >= 2 ? others.filter((r) => r.receipt.receipt.status === 'ok') : []
  const paidFailures = others.filter((r) => !outvoted.includes(r) && r.receipt.receipt.status !== 'ok')
  return {
    kind: 'decided',
    result: { status: chosen.status, outputHash: chosen.outputHash },
    agreeing: best,
    paidFailures,
    outvoted,
  }
}
