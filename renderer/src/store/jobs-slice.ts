/**
 * The jobs view's part of the store: ready examples, this node's jobs (kept fresh by the node's
 * `jobs.changed` event, and read often while one is active), the jobs it ran for others, and sending a job:
 * its code and input go to the node in chunks, the node estimates its cost, then signs and places it.
 */
import {
  ApiError,
  JOB_UPLOAD_CHUNK_BYTES,
  type JobEstimate,
  type JobExample,
  type JobSubmitRequest,
  type JobSummary,
} from '../../../shared/api'
import { fromBase64, toBase64 } from '../lib/base64'
import type { JobDraft, JobResultPreview, JobSending, JobsActions, JobsArea } from './jobs-types'
import { startPolling, type VisibilitySource } from './polling'
import { outcomeOf, type SliceParts } from './slice'

/** While a job is placing, running or verifying, the list is read this often… */
export const JOBS_ACTIVE_POLL_MS = 1_000
/** …and otherwise this often (the jobs run for others have no event). */
export const JOBS_IDLE_POLL_MS = 5_000
/** How much of a result the details panel shows. */
export const JOB_PREVIEW_BYTES = 4 * 1024
/** What a first try offers per core-hour at most, in units (10 CAESAR). */
export const DEFAULT_MAX_PRICE_PER_CORE_HOUR = '10000000'
/**
 * The budget a draft without one is first estimated with, only to learn its worst case (which does not
 * depend on the budget); the problems of that first answer are not the draft's.
 */
const PROBE_BUDGET = '0'

export const emptyJobsArea = (): JobsArea => ({
  examples: null,
  list: [],
  loaded: false,
  provided: [],
  sending: null,
})

export const isJobActive = (job: JobSummary): boolean =>
  job.state === 'placing' || job.state === 'running' || job.state === 'verifying'

/** An example as a draft with a first try's defaults: two providers that must agree, the worst case held. */
export function exampleDraft(example: JobExample): JobDraft {
  return {
    name: example.title,
    runtime: example.runtime,
    code: fromBase64(example.code),
    input: fromBase64(example.input),
    args: example.args,
    limits: example.limits,
    redundancy: 2,
    maxPayment: null,
    maxPricePerCoreHour: DEFAULT_MAX_PRICE_PER_CORE_HOUR,
    privacy: 'FullPublic',
  }
}

/** The start of an output as text, or null when it is not UTF-8 (a sequence cut at the end is allowed). */
export function previewText(bytes: Uint8Array, partial: boolean): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial })
    return text.includes('\0') ? null : text
  } catch {
    return null
  }
}

interface JobsParts extends SliceParts<'jobs'> {
  visibility: VisibilitySource
  activeEveryMs?: number
  idleEveryMs?: number
}

type Purpose = 'code' | 'input'

export function createJobsActions(parts: JobsParts): JobsActions {
  const { api, get, set, read, failed } = parts
  const setJobs = (patch: Partial<JobsArea>): void => set({ jobs: { ...get().jobs, ...patch } })
  const progress = (sending: JobSending | null): void => setJobs({ sending })
  /** Uploads by content, so that an estimate per keystroke does not send the same code again. */
  const uploaded: Record<Purpose, WeakMap<Uint8Array, string>> = { code: new WeakMap(), input: new WeakMap() }

  const upload = async (purpose: Purpose, bytes: Uint8Array, sent?: (n: number) => void): Promise<string> => {
    const known = uploaded[purpose].get(bytes)
    if (known != null) return known
    const { uploadId } = await api.call('jobs.beginUpload', { purpose, size: bytes.length })
    for (let offset = 0; offset < bytes.length; offset += JOB_UPLOAD_CHUNK_BYTES) {
      const chunk = bytes.subarray(offset, offset + JOB_UPLOAD_CHUNK_BYTES)
      await api.call('jobs.uploadChunk', { uploadId, offset, data: toBase64(chunk) })
      sent?.(chunk.length)
    }
    uploaded[purpose].set(bytes, uploadId)
    return uploadId
  }

  const forget = (draft: JobDraft): void => {
    uploaded.code.delete(draft.code)
    uploaded.input.delete(draft.input)
  }

  /** The request for a draft, its code and input uploaded (or already there). */
  const requestOf = async (
    draft: JobDraft,
    maxPayment: string,
    sent?: (n: number) => void,
  ): Promise<JobSubmitRequest> => {
    const codeUploadId = await upload('code', draft.code, sent)
    const inputUploadId = draft.input.length > 0 ? await upload('input', draft.input, sent) : undefined
    return {
      name: draft.name,
      runtime: draft.runtime,
      codeUploadId,
      ...(inputUploadId != null ? { inputUploadId } : {}),
      args: draft.args,
      limits: draft.limits,
      redundancy: draft.redundancy,
      maxPayment,
      maxPricePerCoreHour: draft.maxPricePerCoreHour,
      privacy: draft.privacy,
    }
  }

  /** Runs `call`; an upload the node no longer holds (it expired) is sent again, once. */
  const withUploads = async <T>(draft: JobDraft, call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'NOT_FOUND') throw err
      forget(draft)
      return call()
    }
  }

  /**
   * What the draft would cost and why it could not be placed. A draft without a budget holds its worst
   * case, so it is estimated with that budget (learnt from a first estimate): its problems are those of
   * the job that would be sent. (Asking with the whole balance instead, as this once did, always failed:
   * the balance must also pay the escrow's fee.)
   */
  const estimate = (draft: JobDraft, sent?: (n: number) => void): Promise<JobEstimate> =>
    withUploads(draft, async () => {
      const ask = async (budget: string): Promise<JobEstimate> =>
        api.call('jobs.estimate', await requestOf(draft, budget, sent))
      if (draft.maxPayment != null) return ask(draft.maxPayment)
      return ask((await ask(PROBE_BUDGET)).worstCaseCost)
    })

  const upsert = (job: JobSummary): void => {
    const list = get().jobs.list
    const at = list.findIndex((j) => j.jobId === job.jobId)
    setJobs({ list: at < 0 ? [job, ...list] : list.map((j, i) => (i === at ? job : j)) })
  }

  const actions: JobsActions = {
    refreshJobs: () =>
      read(
        'jobs',
        () => Promise.all([api.call('jobs.list', {}), api.call('jobs.provided', {})]),
        ([list, provided]) => setJobs({ list, provided, loaded: true }),
      ),

    loadJobExamples: () =>
      read(
        'jobs',
        () => api.call('jobs.examples', {}),
        (examples) => setJobs({ examples }),
      ),

    jobChanged(job) {
      upsert(job)
    },

    watchJobs() {
      return startPolling(
        [
          {
            everyMs: parts.activeEveryMs ?? JOBS_ACTIVE_POLL_MS,
            run: () => (get().jobs.list.some(isJobActive) ? actions.refreshJobs() : undefined),
          },
          { everyMs: parts.idleEveryMs ?? JOBS_IDLE_POLL_MS, run: () => actions.refreshJobs() },
        ],
        parts.visibility,
      )
    },

    estimateJob: (draft) => outcomeOf(() => estimate(draft), failed),

    async submitJob(draft) {
      if (get().jobs.sending != null) return { ok: false, message: 'another job is being sent; wait for it' }
      const total = draft.code.length + draft.input.length
      let done = 0
      const sent = (n: number): void => {
        done += n
        progress({ name: draft.name, phase: 'uploading', done, total })
      }
      const outcome = await outcomeOf(async () => {
        progress({ name: draft.name, phase: 'uploading', done, total })
        let maxPayment = draft.maxPayment
        if (maxPayment == null) {
          progress({ name: draft.name, phase: 'estimating', done: total, total })
          const { problems, worstCaseCost } = await estimate(draft, sent)
          if (problems.length > 0) throw new ApiError('BAD_REQUEST', problems.join('; '))
          maxPayment = worstCaseCost
        }
        const budget = maxPayment
        const job = await withUploads(draft, async () => {
          const request = await requestOf(draft, budget, sent)
          progress({ name: draft.name, phase: 'submitting', done: total, total })
          return api.call('jobs.submit', request)
        })
        // The node took the uploads into the job; a next job sends its own.
        forget(draft)
        upsert(job)
        return job
      }, failed)
      progress(null)
      return outcome
    },

    runJobExample: (example) => actions.submitJob(exampleDraft(example)),

    cancelJob: (jobId) =>
      outcomeOf(async () => {
        const job = await api.call('jobs.cancel', { jobId })
        upsert(job)
        return job
      }, failed),

    previewJobResult: (jobId) =>
      outcomeOf(async (): Promise<JobResultPreview> => {
        const chunk = await api.call('jobs.readResult', { jobId, offset: 0, length: JOB_PREVIEW_BYTES })
        const bytes = fromBase64(chunk.data)
        const partial = bytes.length < chunk.totalBytes
        return {
          text: previewText(bytes, partial),
          totalBytes: chunk.totalBytes,
          partial,
          truncated: chunk.truncated,
        }
      }, failed),

    readJobResult: (jobId) =>
      outcomeOf(async () => {
        const parts: Uint8Array<ArrayBuffer>[] = []
        let offset = 0
        let total = 1
        let truncated = false
        while (offset < total) {
          const chunk = await api.call('jobs.readResult', { jobId, offset, length: JOB_UPLOAD_CHUNK_BYTES })
          const bytes = fromBase64(chunk.data)
          total = chunk.totalBytes
          truncated = chunk.truncated
          if (bytes.length === 0) break
          parts.push(bytes)
          offset += bytes.length
        }
        return { blob: new Blob(parts, { type: 'application/octet-stream' }), truncated }
      }, failed),
  }
  return actions
}
