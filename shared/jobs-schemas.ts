/**
 * Jobs between the UI and the node: code a person submits to run on other peers' CPU or GPU, the state of
 * each job and of each provider's run, what it cost, and, for a provider, the jobs it ran and what each
 * earned. Code and input travel to the node in chunks (an API message is at most 64 KiB), like files.
 */
import { z } from 'zod'
import { AmountText } from './chain-schemas'
import { HashText, PeerIdText } from './schemas'
import { PrivacyLevel } from './sharing-schemas'

/**
 * Where a job's code runs: WebAssembly with WASI preview 1, JavaScript in QuickJS, Python in Pyodide, or a
 * WGSL compute shader through WebGPU.
 */
export const JOB_RUNTIMES = ['wasm-wasi', 'quickjs', 'pyodide', 'wgsl'] as const
export const JobRuntime = z.enum(JOB_RUNTIMES)
export type JobRuntime = z.infer<typeof JobRuntime>

export const JOB_RUNTIME_INFO: Record<JobRuntime, { label: string; code: string; resource: 'cpu' | 'gpu' }> =
  {
    'wasm-wasi': { label: 'WebAssembly (WASI)', code: 'a .wasm module exporting _start', resource: 'cpu' },
    quickjs: {
      label: 'JavaScript (QuickJS)',
      code: 'a script; print() writes output, input is a string',
      resource: 'cpu',
    },
    pyodide: {
      label: 'Python (Pyodide)',
      code: 'a script; print() writes output, stdin is the input',
      resource: 'cpu',
    },
    wgsl: {
      label: 'WGSL compute shader (WebGPU)',
      code: 'a WGSL module with compute entry point main, input at binding 0 and output at binding 1 (array<u32>); args: the dispatch size x, y, z',
      resource: 'gpu',
    },
  }

/** How each provider's run ended (the work receipt's status). */
export const RUN_STATUSES = ['ok', 'error', 'timeout', 'memory', 'output-limit'] as const
export const RunStatus = z.enum(RUN_STATUSES)
export type RunStatus = z.infer<typeof RunStatus>

/** The chunked upload of a job's code or input (each at most 16 MiB). */
export const JOB_UPLOAD_CHUNK_BYTES = 32 * 1024
export const JobUploadBegin = z
  .object({
    purpose: z.enum(['code', 'input']),
    size: z
      .number()
      .int()
      .min(0)
      .max(16 * 1024 * 1024),
  })
  .strict()
export const JobUploadChunk = z
  .object({
    uploadId: z.string().min(1).max(64),
    offset: z.number().int().min(0),
    /** Base64 of at most JOB_UPLOAD_CHUNK_BYTES bytes. */
    data: z.string().max(Math.ceil(JOB_UPLOAD_CHUNK_BYTES / 3) * 4),
  })
  .strict()

export const JobLimitsInput = z
  .object({
    millicores: z.number().int().min(10).max(64_000),
    memoryBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024)
      .max(8 * 1024 * 1024 * 1024),
    wallMs: z.number().int().min(100).max(3_600_000),
    outputBytes: z
      .number()
      .int()
      .min(1)
      .max(16 * 1024 * 1024),
  })
  .strict()
export type JobLimitsInput = z.infer<typeof JobLimitsInput>

/** A job to run: the uploads that hold its code and input, and its terms. */
export const JobSubmitRequest = z
  .object({
    /** A name for the job in lists ("primes.wasm"). */
    name: z.string().min(1).max(120),
    runtime: JobRuntime,
    codeUploadId: z.string().min(1).max(64),
    /** Absent: empty input. */
    inputUploadId: z.string().min(1).max(64).optional(),
    args: z.array(z.string().max(256)).max(16),
    limits: JobLimitsInput,
    /** Providers that must agree (1: the result is shown as unverified). */
    redundancy: z.number().int().min(1).max(5),
    maxPayment: AmountText,
    maxPricePerCoreHour: AmountText,
    privacy: PrivacyLevel,
    /**
     * Peers to ask first, in this order (providers the submitter trusts, or knows to be near); the rest
     * of the network's providers are asked after them, as always.
     */
    preferredProviders: z.array(PeerIdText).max(16).optional(),
  })
  .strict()
export type JobSubmitRequest = z.infer<typeof JobSubmitRequest>

/** What a job would cost before it is sent, and whether any provider could take it now. */
export const JobEstimate = z.object({
  /** Providers offering this runtime now that admit the job (privacy, limits, price). */
  providersAvailable: z.number().int().min(0),
  /** The cheapest of their prices, units per core-hour; null without providers. */
  cheapestPricePerCoreHour: AmountText.nullable(),
  /** The job's cost if every run uses its whole CPU share for its whole wall time, tie-breaker included. */
  worstCaseCost: AmountText,
  /** A likely cost: the redundancy's runs at the cheapest price for the whole wall time. */
  expectedCost: AmountText,
  /** Why the job could not be placed as it stands (empty when it could). */
  problems: z.array(z.string()),
})
export type JobEstimate = z.infer<typeof JobEstimate>

export const JOB_STATES = ['placing', 'running', 'verifying', 'done', 'failed', 'cancelled'] as const
export const JobState = z.enum(JOB_STATES)
export type JobState = z.infer<typeof JobState>

export const PROVIDER_RUN_STATES = [
  'asked',
  'refused',
  'sending',
  'running',
  'returned',
  'failed',
  'accepted',
  'outvoted',
] as const
export const ProviderRunState = z.enum(PROVIDER_RUN_STATES)

/** One provider's part in a job, as the submitter sees it. */
export const ProviderRun = z.object({
  peerId: PeerIdText,
  /** `replica`: one of the `redundancy` runs; `tie-breaker`: asked after two runs disagreed. */
  role: z.enum(['replica', 'tie-breaker']),
  state: ProviderRunState,
  /** Why it refused or failed, in words. */
  reason: z.string().nullable(),
  pricePerCoreHour: AmountText.nullable(),
  status: RunStatus.nullable(),
  outputHash: HashText.nullable(),
  cpuMillis: z.number().int().nullable(),
  /** What it was paid on the ledger (set when the job settles). */
  paid: AmountText.nullable(),
  /** The last lines it reported (stderr of the job), at most 8 KiB. */
  log: z.string(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
})
export type ProviderRun = z.infer<typeof ProviderRun>

export const JobSummary = z.object({
  jobId: HashText,
  name: z.string(),
  runtime: JobRuntime,
  state: JobState,
  /** Why it failed, or what it waits for, in words; null when there is nothing to say. */
  reason: z.string().nullable(),
  redundancy: z.number().int(),
  /** Whether `redundancy` providers (at least 2) returned the same output. */
  verified: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  limits: JobLimitsInput,
  maxPayment: AmountText,
  providers: z.array(ProviderRun),
  outputHash: HashText.nullable(),
  outputBytes: z.number().int().nullable(),
  /** Paid to providers in all, and returned to this account from the escrow. */
  cost: AmountText.nullable(),
  refunded: AmountText.nullable(),
  escrowTx: HashText.nullable(),
  settleTx: HashText.nullable(),
})
export type JobSummary = z.infer<typeof JobSummary>

export const JobRef = z.object({ jobId: HashText }).strict()

export const JobResultChunkRequest = z
  .object({
    jobId: HashText,
    offset: z.number().int().min(0),
    length: z
      .number()
      .int()
      .min(1)
      .max(32 * 1024),
  })
  .strict()
export const JobResultChunk = z.object({
  /** Base64 of the bytes from `offset`. */
  data: z.string(),
  totalBytes: z.number().int(),
  /** Whether the output was cut at the job's output limit. */
  truncated: z.boolean(),
})
export type JobResultChunk = z.infer<typeof JobResultChunk>

/** A job this node ran for another peer, and what it earned. */
export const ProvidedJob = z.object({
  jobId: HashText,
  submitterPeer: PeerIdText,
  runtime: JobRuntime,
  status: RunStatus.nullable(),
  /** `running`, `returned` (result sent, not settled yet), `paid`, `outvoted` or `unpaid` (settled without it). */
  outcome: z.enum(['running', 'returned', 'paid', 'outvoted', 'unpaid']),
  cpuMillis: z.number().int().nullable(),
  pricePerCoreHour: AmountText,
  earned: AmountText.nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
})
export type ProvidedJob = z.infer<typeof ProvidedJob>

/** A ready job a new user can run in one click. */
export const JobExample = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  runtime: JobRuntime,
  /** Base64 of the code and the input. */
  code: z.string(),
  input: z.string(),
  args: z.array(z.string()),
  limits: JobLimitsInput,
  /** What its output should be (its SHA-256), so the UI can say the example worked. */
  expectedOutputHash: HashText,
})
export type JobExample = z.infer<typeof JobExample>
