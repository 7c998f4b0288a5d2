/**
 * The node's jobs, both ways: as submitter, jobs a person sends from the UI (signed, paid from escrow,
 * placed on providers, verified, settled); as provider, the jobs protocol that runs other peers' work in
 * the leased-work group. Started after the assets service, as it reads the sharing terms.
 */
import {
  type JobEstimate,
  type JobExample,
  type JobResultChunk,
  type JobSubmitRequest,
  type JobSummary,
  type ProvidedJob,
} from '../../shared/jobs-schemas'
import { wgslJobProblems } from '../../shared/gpu/wgsl-job'
import { addressOf, falcon1024Scheme, signJobSpec } from '../consensus'
import { JobRequestError } from './errors'
import { jobExamples } from './examples/catalog'
import { JobStore, type StoredJob } from './job-store'
import type { JobsServiceParts } from './ports'
import { JobServer } from './provider/job-server'
import type { JobEngine } from './provider/run-port'
import { driveJob } from './submitter/job-driver'
import { UnsettledJobs } from './submitter/unsettled-jobs'
import { assessJob } from './submitter/job-assessment'
import { specOf } from './submitter/job-terms'
import { ProviderQuotes } from './submitter/provider-quotes'
import { JobUploads } from './uploads'

export class JobsService {
  readonly name = 'jobs'
  private readonly store: JobStore
  private readonly server: JobServer
  private readonly uploads: JobUploads
  private readonly unsettled: UnsettledJobs
  private readonly quotes: ProviderQuotes
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>()
  private offBlock: (() => void) | null = null

  constructor(
    private readonly parts: JobsServiceParts,
    private readonly engine: JobEngine,
  ) {
    this.store = new JobStore(parts.db)
    this.server = new JobServer(parts, engine, this.store)
    this.uploads = new JobUploads(parts.now)
    this.quotes = new ProviderQuotes({ reach: (peer) => parts.reach(peer), now: parts.now ?? Date.now })
    this.unsettled = new UnsettledJobs(
      parts,
      this.store,
      (jobId) => this.active.has(jobId),
      (job) => parts.changed(job.summary),
    )
  }

  private get account(): string {
    return addressOf(falcon1024Scheme, this.parts.falcon.publicKey)
  }

  async start(): Promise<void> {
    this.failInterrupted()
    await this.server.start()
    this.unsettled.check()
    this.offBlock = this.parts.onBlock(() => {
      this.recordEarnings()
      this.unsettled.check()
    })
  }

  async stop(): Promise<void> {
    this.offBlock?.()
    this.offBlock = null
    for (const { controller } of this.active.values()) controller.abort()
    await Promise.all([...this.active.values()].map((a) => a.done))
    await this.server.stop()
  }

  examples(): JobExample[] {
    return jobExamples()
  }

  beginUpload(purpose: 'code' | 'input', size: number): { uploadId: string } {
    return this.uploads.begin(purpose, size)
  }

  uploadChunk(uploadId: string, offset: number, data: string): { received: number } {
    return this.uploads.chunk(uploadId, offset, data)
  }

  /** What the job would cost and why it could not be placed, from the providers' own quotes. */
  async estimate(request: JobSubmitRequest): Promise<JobEstimate> {
    return (await assessJob(request, this.parts, this.quotes, this.account)).estimate
  }

  /**
   * Signs the job, holds its budget in escrow and places it. A job with problems (no provider would take
   * it, the budget or balance falls short) is refused first, so nothing is charged for it.
   */
  async submit(request: JobSubmitRequest): Promise<JobSummary> {
    const { estimate, order } = await assessJob(request, this.parts, this.quotes, this.account)
    if (estimate.problems.length > 0) throw new JobRequestError('bad-request', estimate.problems.join('; '))
    const code = this.uploads.take(request.codeUploadId, 'code')
    const input =
      request.inputUploadId == null ? new Uint8Array(0) : this.uploads.take(request.inputUploadId, 'input')
    // A submitter needs no GPU to send a GPU job; what it sends must fit the WGSL job format.
    const wgsl =
      request.runtime === 'wgsl'
        ? wgslJobProblems({ ...request, codeBytes: code.length, inputBytes: input.length })
        : []
    if (wgsl.length > 0) throw new JobRequestError('bad-request', wgsl.join('; '))
    const now = (this.parts.now ?? Date.now)()
    const networkId = this.parts.activeNetworkId()
    const spec = specOf(
      request,
      { code, input },
      { networkId, submitter: this.account, submitterPeer: this.parts.peerId, now },
    )
    const job: StoredJob = {
      spec: signJobSpec(spec, this.parts.falcon),
      receipts: [],
      summary: {
        jobId: spec.jobId,
        name: request.name,
        runtime: spec.runtime,
        state: 'placing',
        reason: null,
        redundancy: spec.redundancy,
        verified: false,
        createdAt: now,
        updatedAt: now,
        limits: spec.limits,
        maxPayment: spec.maxPayment,
        providers: [],
        outputHash: null,
        outputBytes: null,
        cost: null,
        refunded: null,
        escrowTx: null,
        settleTx: null,
      },
    }
    this.store.saveJob(networkId, job)
    const controller = new AbortController()
    const save = (output?: Uint8Array | null): void => {
      this.store.saveJob(networkId, job, output)
      this.parts.changed(job.summary)
    }
    const data = { code, input, order }
    const done = driveJob(this.parts, data, { job, save, signal: controller.signal }).finally(() =>
      this.active.delete(spec.jobId),
    )
    this.active.set(spec.jobId, { controller, done })
    return job.summary
  }

  list(): JobSummary[] {
    return this.store.jobs(this.parts.activeNetworkId()).map((job) => job.summary)
  }

  get(jobId: string): JobSummary {
    const job = this.store.job(jobId)
    if (job == null) throw new JobRequestError('not-found', `no job ${jobId} on this node`)
    return job.summary
  }

  async cancel(jobId: string): Promise<JobSummary> {
    const running = this.active.get(jobId)
    if (running == null) return this.get(jobId)
    running.controller.abort()
    await running.done
    return this.get(jobId)
  }

  readResult(jobId: string, offset: number, length: number): JobResultChunk {
    const summary = this.get(jobId)
    const output = this.store.output(jobId)
    if (output == null)
      throw new JobRequestError('not-found', `job ${jobId} has no output yet (it is ${summary.state})`)
    const data = Buffer.from(output.subarray(offset, offset + length)).toString('base64')
    const status = summary.providers.find((p) => p.outputHash === summary.outputHash)?.status
    return { data, totalBytes: output.length, truncated: status === 'output-limit' }
  }

  provided(): ProvidedJob[] {
    return this.store.provided(this.parts.activeNetworkId())
  }

  /**
   * Jobs that were running when the node stopped end as failed; their escrows are then closed by
   * UnsettledJobs, paying the runs that came back before the stop.
   */
  private failInterrupted(): void {
    const networkId = this.parts.activeNetworkId()
    for (const job of this.store.jobs(networkId)) {
      if (!['placing', 'running', 'verifying'].includes(job.summary.state)) continue
      job.summary = {
        ...job.summary,
        state: 'failed',
        reason:
          'the node stopped while the job ran; the providers whose results came back are paid from its escrow, and the rest returns to this account',
      }
      this.store.saveJob(networkId, job)
    }
  }

  /** After a block: what the jobs this node ran were paid, once their escrows settled. */
  private recordEarnings(): void {
    const ledger = this.parts.ledger()
    if (ledger == null) return
    const networkId = this.parts.activeNetworkId()
    for (const job of this.store.provided(networkId)) {
      if (job.outcome !== 'returned') continue
      const escrow = ledger.escrow(job.jobId)
      if (escrow == null || escrow.open) continue
      const paid = ledger.paidTo(this.account, job.jobId)
      const outcome = ledger.outvoted(this.account, job.jobId)
        ? 'outvoted'
        : paid != null && paid > 0n
          ? 'paid'
          : 'unpaid'
      this.store.saveProvided(networkId, { ...job, outcome, earned: (paid ?? 0n).toString() })
    }
  }
}
