/**
 * Jobs end to end between daemons on loopback (issue 18): A submits a job through its API; B and C,
 * members of A's network that share their CPU at a price, run it in their leased-work groups; both return
 * the same output, the result is accepted as verified, the escrow pays B and C for their measured CPU
 * time, and holds the rest through the providers' claim window before A takes it back.
 *
 * Then C is restarted as a provider that cheats (test/support/lying-provider-daemon.ts: same identity and
 * data, a changed byte in every output it returns): B and C disagree, D (a fourth member) breaks the tie,
 * C is outvoted and unpaid, and the evidence against C's account is on every node's ledger.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { JobExample, JobSubmitRequest, JobSummary } from '../shared/api'
import { ensureBuilt, lyingProviderCli, startDaemon, waitFor, type Daemon } from './support/daemon'
import { uploadJobData as upload } from './support/job-uploads'

const MiB = 1024 * 1024

const balanceOf = async (node: Daemon, address: string): Promise<bigint> =>
  BigInt((await node.call('chain.account', { address })).balance)

/** A's request for the JavaScript example, on `providers` first. */
async function exampleRequest(
  node: Daemon,
  providers: string[],
): Promise<{ request: JobSubmitRequest; example: JobExample }> {
  const example = (await node.call('jobs.examples', {})).find((e) => e.runtime === 'quickjs')!
  const request: JobSubmitRequest = {
    name: 'primes.js',
    runtime: 'quickjs',
    codeUploadId: await upload(node, 'code', Buffer.from(example.code, 'base64')),
    inputUploadId: await upload(node, 'input', Buffer.from(example.input, 'base64')),
    args: [],
    limits: { millicores: 500, memoryBytes: 64 * MiB, wallMs: 20_000, outputBytes: 64 * 1024 },
    redundancy: 2,
    maxPayment: '1000000',
    maxPricePerCoreHour: '1000000',
    privacy: 'FullPublic',
    preferredProviders: providers,
  }
  return { request, example }
}

/** Submits on `node` and waits for the job to end. */
async function runJob(node: Daemon, request: JobSubmitRequest): Promise<JobSummary> {
  const estimate = await node.call('jobs.estimate', request)
  expect(estimate.problems).toEqual([])
  // B, C and D quoted their terms before anything was escrowed: each takes it, at its own price.
  expect(estimate.providersAvailable).toBe(3)
  expect(BigInt(estimate.cheapestPricePerCoreHour!)).toBeGreaterThan(0n)
  expect(BigInt(estimate.expectedCost)).toBeLessThan(BigInt(estimate.worstCaseCost))
  const submitted = await node.call('jobs.submit', request)
  expect(submitted.state).toBe('placing')
  let job: JobSummary = submitted
  await waitFor(
    'the job to end',
    async () => {
      job = await node.call('jobs.get', { jobId: submitted.jobId })
      return job.state === 'done' || job.state === 'failed'
    },
    120_000,
  )
  return job
}

const selfAddress = async (node: Daemon): Promise<string> => {
  const status = await node.call('chain.status', {})
  if (!status.available) throw new Error(status.reason)
  return status.self.address
}

const shareCpu = (node: Daemon): Promise<unknown> =>
  node.call('sharing.update', {
    resource: 'cpu',
    settings: {
      ...defaultSharing('cpu'),
      enabled: true,
      allocationPercent: 50,
      privacy: 'FullPublic',
      minPricePerHour: '36000',
    },
  })

describe('a job submitted on A runs on B and C and is paid on the ledger', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-jobs-'))
  const nodes: Record<'A' | 'B' | 'C' | 'D', Daemon> = {} as never

  beforeAll(async () => {
    ensureBuilt({ testDaemons: true })
    for (const name of ['A', 'B', 'C', 'D'] as const) nodes[name] = await startDaemon(join(base, name))
    const { invite } = await nodes.A.call('network.invite', {})
    for (const name of ['B', 'C', 'D'] as const) await nodes[name].call('network.join', { invite })
    await waitFor(
      'B, C and D to be members',
      async () => (await nodes.A.call('peers.list', {})).length >= 3,
      30_000,
    )
    for (const name of ['B', 'C', 'D'] as const) await shareCpu(nodes[name])
  }, 180_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('runs the JavaScript example on two providers, accepts the agreeing output and settles the escrow', async () => {
    const submitter = await selfAddress(nodes.A)
    const before = await balanceOf(nodes.A, submitter)
    const { request, example } = await exampleRequest(nodes.A, [nodes.B.peerId, nodes.C.peerId])
    const job = await runJob(nodes.A, request)
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
    // The rest of the budget is held through the providers' claim window, then taken back.
    expect(job.refunded).toBeNull()
    const escrow = (await nodes.A.call('chain.job', { jobId: job.jobId })).escrow!
    expect(escrow).toMatchObject({ status: 'settled', remaining: (1_000_000n - paid).toString() })
    // A is the network's one validator, so the fees it pays come back to it: it has the budget out.
    expect(before - (await balanceOf(nodes.A, submitter))).toBe(1_000_000n)
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

  it('refuses, before any escrow, a job that no provider would take, saying why', async () => {
    const submitter = await selfAddress(nodes.A)
    const before = await balanceOf(nodes.A, submitter)
    const { request } = await exampleRequest(nodes.A, [])
    const tooLarge = { ...request, limits: { ...request.limits, millicores: 64_000 } }
    const answer = await nodes.A.callRaw('jobs.submit', tooLarge)
    expect(answer.ok).toBe(false)
    if (answer.ok) return
    expect(answer.error.message).toMatch(/none of the 3 providers asked would take this job now/)
    expect(answer.error.message).toMatch(/the job asks for 64000 thousandths of a core; this node offers/)
    expect(await nodes.A.call('jobs.list', {})).toHaveLength(1)
    expect(await balanceOf(nodes.A, submitter)).toBe(before)
  })

  it('outvotes C when it returns a wrong result: D breaks the tie, C is unpaid, the evidence is on every ledger', async () => {
    // C again, from the same data dir, as a provider that changes a byte of every output it returns.
    await nodes.C.stop()
    nodes.C = await startDaemon(join(base, 'C'), [], { cli: lyingProviderCli })
    await waitFor(
      'C to be back in A’s network',
      async () => (await nodes.A.call('peers.list', {})).some((p) => p.peerId === nodes.C.peerId),
      60_000,
    )
    await shareCpu(nodes.C)
    const cheater = await selfAddress(nodes.C)
    const submitter = await selfAddress(nodes.A)
    const before = await balanceOf(nodes.A, submitter)
    const { request, example } = await exampleRequest(nodes.A, [
      nodes.B.peerId,
      nodes.C.peerId,
      nodes.D.peerId,
    ])
    const job = await runJob(nodes.A, request)
    expect(job, JSON.stringify(job, null, 2)).toMatchObject({
      state: 'done',
      verified: true,
      outputHash: example.expectedOutputHash,
    })
    const byPeer = new Map(job.providers.map((p) => [p.peerId, p]))
    expect(byPeer.get(nodes.C.peerId)).toMatchObject({ state: 'outvoted', paid: '0' })
    expect(byPeer.get(nodes.C.peerId)!.outputHash).not.toBe(example.expectedOutputHash)
    expect(byPeer.get(nodes.B.peerId)).toMatchObject({ state: 'accepted', role: 'replica' })
    expect(byPeer.get(nodes.D.peerId)).toMatchObject({ state: 'accepted', role: 'tie-breaker' })
    const paid = BigInt(byPeer.get(nodes.B.peerId)!.paid!) + BigInt(byPeer.get(nodes.D.peerId)!.paid!)
    expect(paid).toBeGreaterThan(0n)
    expect(BigInt(job.cost!)).toBe(paid)
    // Paid out to B and D; the rest is held through the claim window (C, outvoted, may not claim it).
    expect(before - (await balanceOf(nodes.A, submitter))).toBe(1_000_000n)
    // Every node's ledger holds the same record: C outvoted, with the hash it returned, and not paid.
    for (const node of Object.values(nodes)) {
      await waitFor(
        'the settlement on every node',
        async () => {
          const record = await node.call('chain.job', { jobId: job.jobId })
          return record.escrow?.status === 'settled'
        },
        60_000,
      )
      const record = await node.call('chain.job', { jobId: job.jobId })
      expect(record.outvoted).toEqual([
        expect.objectContaining({
          account: cheater,
          provider: nodes.C.peerId,
          outputHash: byPeer.get(nodes.C.peerId)!.outputHash,
          acceptedHash: example.expectedOutputHash,
        }),
      ])
      expect(record.escrow!.paid.map((p) => p.account)).not.toContain(cheater)
      expect(record.escrow!.paid.reduce((sum, p) => sum + BigInt(p.amount), 0n)).toBe(paid)
    }
    // C sees its own run as outvoted and unpaid.
    await waitFor('C to see the verdict', async () =>
      (await nodes.C.call('jobs.provided', {})).some(
        (r) => r.jobId === job.jobId && r.outcome === 'outvoted',
      ),
    )
  }, 300_000)
})
