/**
 * The submit form's fields as typed, and the draft they make (or why they make none yet). Pure, so the
 * rules are tested without a page; `useJobEstimate` asks the node what the draft would cost, debounced.
 */
import { useEffect, useState } from 'react'
import {
  JOB_RUNTIME_INFO,
  parseCaesar,
  type JobEstimate,
  type JobRuntime,
  type PrivacyLevel,
} from '../../../../shared/api'
import type { JobDraft } from '../../store/jobs-types'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'

export interface JobFields {
  name: string
  runtime: JobRuntime
  /** Pasted code (text runtimes), used when no code file is picked. */
  codeText: string
  codeFile: { name: string; bytes: Uint8Array } | null
  inputText: string
  inputFile: { name: string; bytes: Uint8Array } | null
  /** One argument per line. */
  args: string
  cores: string
  memoryMiB: string
  wallSeconds: string
  outputKiB: string
  redundancy: string
  /** CAESAR; empty: hold the estimate's worst case. */
  budget: string
  maxPrice: string
  privacy: PrivacyLevel
}

export const initialJobFields = (): JobFields => ({
  name: '',
  runtime: 'quickjs',
  codeText: '',
  codeFile: null,
  inputText: '',
  inputFile: null,
  args: '',
  cores: '1',
  memoryMiB: '64',
  wallSeconds: '10',
  outputKiB: '64',
  redundancy: '2',
  budget: '',
  maxPrice: '10',
  privacy: 'FullPublic',
})

/** WebAssembly is binary: its code comes only from a file. */
export const takesPastedCode = (runtime: JobRuntime): boolean => runtime !== 'wasm-wasi'

const number = (text: string): number => (text.trim() === '' ? NaN : Number(text))
const within = (value: number, min: number, max: number): boolean => value >= min && value <= max

export type DraftResult = { draft: JobDraft; problem: null } | { draft: null; problem: string }

/** The draft the fields make; `code` and `input` are the bytes already encoded (kept stable by the caller). */
export function draftOf(fields: JobFields, code: Uint8Array, input: Uint8Array): DraftResult {
  const fail = (problem: string): DraftResult => ({ draft: null, problem })
  if (code.length === 0)
    return fail(takesPastedCode(fields.runtime) ? 'Paste the code or pick a file.' : 'Pick the .wasm file.')
  const cores = number(fields.cores)
  if (!within(cores, 0.01, 64)) return fail('Cores: a share from 0.01 to 64 (0.5 is half a core).')
  const memoryMiB = number(fields.memoryMiB)
  if (!Number.isInteger(memoryMiB) || !within(memoryMiB, 16, 8192))
    return fail('Memory: a whole number of MiB from 16 to 8192.')
  const wallSeconds = number(fields.wallSeconds)
  if (!within(wallSeconds, 0.1, 3600)) return fail('Wall time: from 0.1 to 3600 seconds.')
  const outputKiB = number(fields.outputKiB)
  if (!within(outputKiB, 0.001, 16 * 1024)) return fail('Output: up to 16384 KiB.')
  const redundancy = number(fields.redundancy)
  if (!Number.isInteger(redundancy) || !within(redundancy, 1, 5)) return fail('Providers: from 1 to 5.')
  const maxPayment = fields.budget.trim() === '' ? null : parseCaesar(fields.budget)
  if (fields.budget.trim() !== '' && maxPayment == null)
    return fail('Budget: an amount of CAESAR with at most six decimals, or empty for the worst case.')
  const maxPricePerCoreHour = parseCaesar(fields.maxPrice)
  if (maxPricePerCoreHour == null) return fail('Max price: an amount of CAESAR with at most six decimals.')
  const args = fields.args.split('\n').filter((line) => line !== '')
  if (args.length > 16 || args.some((a) => a.length > 256))
    return fail('Arguments: at most 16, each at most 256 characters.')
  const name = fields.name.trim() || fields.codeFile?.name || `${JOB_RUNTIME_INFO[fields.runtime].label} job`
  return {
    problem: null,
    draft: {
      name: name.slice(0, 120),
      runtime: fields.runtime,
      code,
      input,
      args,
      limits: {
        millicores: Math.round(cores * 1000),
        memoryBytes: memoryMiB * 1024 * 1024,
        wallMs: Math.round(wallSeconds * 1000),
        outputBytes: Math.max(1, Math.round(outputKiB * 1024)),
      },
      redundancy,
      maxPayment,
      maxPricePerCoreHour,
      privacy: fields.privacy,
    },
  }
}

export type EstimateState =
  | { kind: 'none' }
  | { kind: 'pending' }
  | { kind: 'ready'; estimate: JobEstimate }
  | { kind: 'failed'; message: string }

export const ESTIMATE_DEBOUNCE_MS = 400

/** What the draft would cost, asked again a moment after the last change (older answers are dropped). */
export function useJobEstimate(draft: JobDraft | null): EstimateState {
  const actions = useHyperMesh(selectActions)
  // The last answer and the draft it answers: a newer draft shows "pending" until its own answer comes.
  const [answer, setAnswer] = useState<{ draft: JobDraft; state: EstimateState } | null>(null)
  useEffect(() => {
    if (draft == null) return
    let current = true
    const timer = setTimeout(() => {
      void actions.estimateJob(draft).then((outcome) => {
        if (!current) return
        setAnswer({
          draft,
          state: outcome.ok
            ? { kind: 'ready', estimate: outcome.value }
            : { kind: 'failed', message: outcome.message },
        })
      })
    }, ESTIMATE_DEBOUNCE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [actions, draft])
  if (draft == null) return { kind: 'none' }
  return answer?.draft === draft ? answer.state : { kind: 'pending' }
}

/** Why Submit is disabled now, or null when it is not. */
export function submitBlocker(
  problem: string | null,
  estimate: EstimateState,
  sending: boolean,
): string | null {
  if (sending) return 'A job is being sent.'
  if (problem != null) return problem
  if (estimate.kind === 'pending' || estimate.kind === 'none') return 'Waiting for the estimate…'
  if (estimate.kind === 'failed') return `No estimate: ${estimate.message}`
  if (estimate.estimate.problems.length > 0) return estimate.estimate.problems.join(' ')
  return null
}
