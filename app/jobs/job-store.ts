/**
 * Jobs on disk: those this node submitted (what the UI shows of each, the receipts it settles with, the
 * accepted output) and those it ran for other peers (what each did and earned). Per network.
 */
import type { DatabaseSync } from 'node:sqlite'
import { z } from 'zod'
import { JobSummary, ProvidedJob } from '../../shared/jobs-schemas'
import { SignedJobSpec, SignedWorkReceipt } from '../consensus'

export const StoredReceipts = z.array(z.object({ peerId: z.string(), receipt: SignedWorkReceipt }).strict())
export type StoredReceipts = z.infer<typeof StoredReceipts>

export interface StoredJob {
  summary: JobSummary
  spec: SignedJobSpec
  receipts: StoredReceipts
}

/** At most this many provided jobs are listed (newest first). */
const PROVIDED_LIST_LIMIT = 200

export class JobStore {
  constructor(private readonly db: DatabaseSync) {}

  saveJob(networkId: string, job: StoredJob, output?: Uint8Array | null): void {
    this.db
      .prepare(
        `INSERT INTO jobs (job_id, network_id, summary, spec, receipts, output, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET summary = excluded.summary, receipts = excluded.receipts,
           output = COALESCE(excluded.output, jobs.output)`,
      )
      .run(
        job.summary.jobId,
        networkId,
        JSON.stringify(job.summary),
        JSON.stringify(job.spec),
        JSON.stringify(job.receipts),
        output ?? null,
        job.summary.createdAt,
      )
  }

  job(jobId: string): StoredJob | null {
    const row = this.db.prepare('SELECT summary, spec, receipts FROM jobs WHERE job_id = ?').get(jobId) as
      { summary: string; spec: string; receipts: string } | undefined
    return row == null ? null : parseJob(row)
  }

  jobs(networkId: string): StoredJob[] {
    const rows = this.db
      .prepare('SELECT summary, spec, receipts FROM jobs WHERE network_id = ? ORDER BY created_at DESC')
      .all(networkId) as { summary: string; spec: string; receipts: string }[]
    return rows.map(parseJob)
  }

  /**
   * Jobs whose escrow was sent and whose outcome on the ledger is not all recorded yet: no cost, or no
   * refund while the escrow holds the rest through the claim window.
   */
  unsettled(networkId: string): StoredJob[] {
    const rows = this.db
      .prepare(
        `SELECT summary, spec, receipts FROM jobs WHERE network_id = ?
           AND json_extract(summary, '$.escrowTx') IS NOT NULL
           AND (json_extract(summary, '$.cost') IS NULL OR json_extract(summary, '$.refunded') IS NULL)`,
      )
      .all(networkId) as { summary: string; spec: string; receipts: string }[]
    return rows.map(parseJob)
  }

  output(jobId: string): Uint8Array | null {
    const row = this.db.prepare('SELECT output FROM jobs WHERE job_id = ?').get(jobId) as
      { output: Uint8Array | null } | undefined
    return row?.output ?? null
  }

  saveProvided(networkId: string, job: ProvidedJob): void {
    this.db
      .prepare(
        `INSERT INTO provided_jobs (job_id, network_id, record, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (network_id, job_id) DO UPDATE SET record = excluded.record`,
      )
      .run(job.jobId, networkId, JSON.stringify(job), job.startedAt)
  }

  provided(networkId: string): ProvidedJob[] {
    const rows = this.db
      .prepare('SELECT record FROM provided_jobs WHERE network_id = ? ORDER BY started_at DESC LIMIT ?')
      .all(networkId, PROVIDED_LIST_LIMIT) as { record: string }[]
    return rows.map((row) => ProvidedJob.parse(JSON.parse(row.record)))
  }
}

function parseJob(row: { summary: string; spec: string; receipts: string }): StoredJob {
  return {
    summary: JobSummary.parse(JSON.parse(row.summary)),
    spec: SignedJobSpec.parse(JSON.parse(row.spec)),
    receipts: StoredReceipts.parse(JSON.parse(row.receipts)),
  }
}
