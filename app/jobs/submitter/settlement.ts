/**
 * Which receipts a settlement pays and which it outvotes, from the runs that returned (verdict.ts).
 * Work whose result nobody contradicts is paid: the agreeing runs of a decided job, every failed run, and
 * the runs of a job left undecided only because too few came back (an interrupted job, or one whose other
 * providers refused), as long as they agree with each other. Runs that disagree with no majority are not
 * paid: nobody can tell which of them is right.
 */
import type { SignedWorkReceipt } from '../../consensus'
import { verdictOf, type FinishedRun, type Verdict } from './verdict'

export interface Settlement {
  verdict: Verdict
  paid: FinishedRun[]
  outvoted: FinishedRun[]
}

export function settlementOf(runs: readonly FinishedRun[], redundancy: number): Settlement {
  const verdict = verdictOf(runs, redundancy)
  if (verdict.kind === 'decided')
    return { verdict, paid: [...verdict.agreeing, ...verdict.paidFailures], outvoted: verdict.outvoted }
  const ok = runs.filter((run) => run.receipt.receipt.status === 'ok')
  const agree = new Set(ok.map((run) => run.receipt.receipt.outputHash)).size <= 1
  return { verdict, paid: agree ? [...runs] : runs.filter((run) => !ok.includes(run)), outvoted: [] }
}

export const receiptsOf = (runs: readonly FinishedRun[]): SignedWorkReceipt[] => runs.map((r) => r.receipt)
