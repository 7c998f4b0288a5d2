/** The jobs view's part of the store's shape: the state it holds and the actions that change it. */
import type {
  JobEstimate,
  JobExample,
  JobLimitsInput,
  JobRuntime,
  JobSummary,
  PrivacyLevel,
  ProvidedJob,
} from '../../../shared/api'
import type { Outcome } from './types'

export interface JobsArea {
  /** Ready jobs to try; null until read. */
  examples: JobExample[] | null
  /** This node's jobs, newest first. */
  list: JobSummary[]
  /** Whether `list` has been read once (an empty list then means no jobs, not "not read yet"). */
  loaded: boolean
  /** Jobs this node ran for other peers. */
  provided: ProvidedJob[]
  /** The job being sent (uploads, then the node signs and places it); null when none is. */
  sending: JobSending | null
}

export interface JobSending {
  name: string
  phase: 'uploading' | 'estimating' | 'submitting'
  /** Bytes of code and input sent so far, and in all. */
  done: number
  total: number
}

/** A job as the form or an example describes it, before its code and input are uploaded. */
export interface JobDraft {
  name: string
  runtime: JobRuntime
  code: Uint8Array
  /** Empty: the job reads no input. */
  input: Uint8Array
  args: string[]
  limits: JobLimitsInput
  redundancy: number
  /** Units; null: hold the estimate's worst case. */
  maxPayment: string | null
  /** Units per core-hour. */
  maxPricePerCoreHour: string
  privacy: PrivacyLevel
}

/** The start of a job's output, as the details panel previews it. */
export interface JobResultPreview {
  /** The first bytes as text; null when they are not UTF-8. */
  text: string | null
  totalBytes: number
  /** Whether the preview shows less than the whole output. */
  partial: boolean
  /** Whether the output was cut at the job's output limit. */
  truncated: boolean
}

export interface JobsActions {
  /** Reads the job list and the jobs run for others. */
  refreshJobs(): Promise<void>
  loadJobExamples(): Promise<void>
  /** A `jobs.changed` event: the job's new summary replaces the old one (or is added first). */
  jobChanged(job: JobSummary): void
  /** Reads the list now and again while the view is shown (often while a job is active). Returns stop. */
  watchJobs(): () => void
  /** Uploads the draft's code and input (once per content) and asks what it would cost. */
  estimateJob(draft: JobDraft): Promise<Outcome<JobEstimate>>
  /** Uploads, then signs and places the job; a draft without a budget holds the estimate's worst case. */
  submitJob(draft: JobDraft): Promise<Outcome<JobSummary>>
  /** Runs an example with the defaults a first try wants (redundancy 2, budget: the worst case). */
  runJobExample(example: JobExample): Promise<Outcome<JobSummary>>
  cancelJob(jobId: string): Promise<Outcome<JobSummary>>
  /** The first `JOB_PREVIEW_BYTES` of an accepted job's output. */
  previewJobResult(jobId: string): Promise<Outcome<JobResultPreview>>
  /** The whole output, read in chunks. */
  readJobResult(jobId: string): Promise<Outcome<{ blob: Blob; truncated: boolean }>>
}
