/**
 * Jobs end to end between three daemons on loopback (issue 18): A submits a job through its API; B and C,
 * members of A's network that share their CPU at a price, run it in their leased-work groups; both return
 * the same output, the result is accepted as verified, the escrow pays B and C for their measured CPU
 * time and returns the rest to A, whose balance drops by exactly what they were paid.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { JobSubmitRequest, JobSummary } from '../shared/api'
import { JOB_UPLOAD_CHUNK_BYTES } from '../shared/jobs-schemas'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024

async function upload(node: Daemon, purpose: 'code' | 'input', data: Buffer): Promise<string> {
  const { uploadId } = await node.call('jobs.beginUpload', { purpose, size: data.length })
  for (let offset = 0; offset < data.length; offset += JOB_UPLOAD_CHUNK_BYTES)
    await node.call('jobs.uploadChunk', {
      uploadId,
      offset,
      data: data.subarray(offset, offset + JOB_UPLOAD_CHUNK_BYTES).toString('base64'),
    })
  return uploadId
}

const balanceOf = async (node: Daemon, address: string): Promise<bigint> =>
  BigInt((await node.call('chain.account', { address })).balance)

describe('a job submitted on A runs on B and C and is paid on the ledger', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-jobs-'))
  const nodes: Record<'A' | 'B' | 'C', Daemon> = {} as never

  beforeAll(async () => {
    ensureBuilt()
    for (const name of ['A', 'B', 'C'] as const) nodes[name] = await startDaemon(join(base, name))
    const { invite } = await nodes.A.call('network.invite', {})
    await nodes.B.call('network.join', { invite })
    await nodes.C.call('network.join', { invite })
    await waitFor(
      'B and C to be members',
      async () => (await nodes.A.call('peers.list', {})).length >= 2,
      30_000,
    )
    for (const provider of [nodes.B, nodes.C])
      await provider.call('sharing.update', {
        resource: 'cpu',
        settings: {
          ...defaultSharing('cpu'),
          enabled: true,
          allocationPercent: 50,
          privacy: 'FullPublic',
          minPricePerHour: '36000',
        },
      })
  }, 120_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('runs the JavaScript example on two providers, accepts the agreeing output and settles the escrow', async () => {
    const example = (await nodes.A.call('jobs.examples', {})).find((e) => e.runtime === 'quickjs')!
    const status = await nodes.A.call('chain.status', {})
    if (!status.available) throw new Error(status.reason)
    const submitter = status.self.address
    const before = await balanceOf(nodes.A, submitter)
    const request: JobSubmitRequest = {
      name: 'primes.js',
      runtime: 'quickjs',
      codeUploadId: await upload(nodes.A, 'code', Buffer.from(example.code, 'base64')),
      inputUploadId: await upload(nodes.A, 'input', Buffer.from(example.input, 'base64')),
      args: [],
      limits: { millicores: 500, memoryBytes: 64 * MiB, wallMs: 20_000, outputBytes: 64 * 1024 },
      redundancy: 2,
      maxPayment: '1000000',
      maxPricePerCoreHour: '1000000',
      privacy: 'FullPublic',
    }
    const estimate = await nodes.A.call('jobs.estimate', request)
    expect(estimate.problems).toEqual([])
    const submitted = await nodes.A.call('jobs.submit', request)
    expect(submitted.state).toBe('placing')
    let job: JobSummary = submitted
    await waitFor(
      'the job to end',
      async () => {
        job = await nodes.A.call('jobs.get', { jobId: submitted.jobId })
        return job.state === 'done' || job.state === 'failed'
      },
      120_000,
    )
    expect(job, JSON.stringify(job, null, 2)).toMatchObject({
      state: 'done',
      verified: true,
      outputHash: example.expectedOutputHash,
    })
    const accepted = job.providers.filter((p) => p.state === 'accepted')
    expect(new Set(accepted.map((p) => p.peerId))).toEqual(new Set([nodes.B.peerId, nodes.C.peerId]))
    const paid = accepted.reduce((sum, p) => sum + BigInt(p.paid!), 0n)
    expect(paid).toBeGreaterThan(0n)
    expect(BigInt(job.cost!)).toBe(paid)
    expect(BigInt(job.refunded!)).toBe(1_000_000n - paid)
    // A is the network's one validator, so the fees it pays come back to it: it loses exactly the pay.
    expect(before - (await balanceOf(nodes.A, submitter))).toBe(paid)
    // The result comes back whole, and is what the example promises.
    const chunk = await nodes.A.call('jobs.readResult', { jobId: job.jobId, offset: 0, length: 32 * 1024 })
    const output = Buffer.from(chunk.data, 'base64')
    expect(createHash('sha256').update(output).digest('hex')).toBe(example.expectedOutputHash)
    expect(output.toString().split('\n').slice(0, 4)).toEqual(['2', '3', '5', '7'])
    // Each provider lists the job it ran and what it earned once the escrow settled.
    for (const provider of [nodes.B, nodes.C]) {
      await waitFor('the provider to see its pay', async () => {
        const [ran] = await provider.call('jobs.provided', {})
        return ran?.outcome === 'paid'
      })
      const [ran] = await provider.call('jobs.provided', {})
      const run = accepted.find((p) => p.peerId === provider.peerId)!
      expect(ran).toMatchObject({ jobId: job.jobId, runtime: 'quickjs', status: 'ok', earned: run.paid })
    }
  }, 180_000)
})
