/**
 * GPU jobs end to end in browser mode (issue 18): B and C, members of A's network, have their UI open in
 * Chromium with WebGPU on SwiftShader (a software GPU, which their owners opted in to offer through
 * config.json), so each page lends its adapter to its daemon; they share their GPU at a price. A submits
 * the WGSL example through its API; it runs on B's and C's pages, both return the bytes its hash names,
 * the result is verified, and the escrow pays both for their GPU time on A's ledger. A, which did not opt
 * in, does not offer its page's software adapter, and says so.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { JobSubmitRequest, JobSummary } from '../shared/api'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from '../test/support/daemon'
import { launchChromium } from './support/chromium'
import { uploadJobData as upload } from '../test/support/job-uploads'

/** A data dir whose owner offers a software GPU adapter or not; Dawn is not looked for (pages are tested). */
function dataDir(dir: string, softwareAdapters: boolean): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ gpu: { softwareAdapters, dawn: false } }))
  return dir
}

describe('GPU jobs on pages’ WebGPU in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-gpu-'))
  let a: Daemon
  let b: Daemon
  let c: Daemon
  let browser: Browser

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    a = await startDaemon(dataDir(join(base, 'a'), false))
    b = await startDaemon(dataDir(join(base, 'b'), true))
    c = await startDaemon(dataDir(join(base, 'c'), true))
    const { invite } = await a.call('network.invite', {})
    for (const provider of [b, c]) await provider.call('network.join', { invite })
    await waitFor('B and C to be members', async () => (await a.call('peers.list', {})).length >= 2, 30_000)
    browser = await launchChromium({ webgpu: true })
    for (const node of [a, b, c]) {
      const page = await browser.newPage()
      page.on('pageerror', (err) => console.log('[pageerror]', err.message))
      await page.goto(node.uiUrl)
    }
  }, 600_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop(), c?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('a provider’s page lends its adapter, and the GPU card names it; the owner who did not opt in is told why not', async () => {
    for (const provider of [b, c]) {
      await waitFor(
        'the page to attach',
        async () => (await provider.call('gpu.status', {})).adapter != null,
        60_000,
      )
      expect(await provider.call('gpu.status', {})).toMatchObject({
        adapter: { software: true, name: expect.stringMatching(/swiftshader/i) },
        host: 'page',
        reason: null,
        pages: 1,
      })
      const state = await provider.call('sharing.update', {
        resource: 'gpu',
        settings: {
          ...defaultSharing('gpu'),
          enabled: true,
          privacy: 'FullPublic',
          allocationPercent: 50,
          minPricePerHour: '36000',
        },
      })
      expect(state.resources.gpu.enforced.join('\n')).toMatch(
        /GPU jobs: run on the WebGPU adapter .*swiftshader.* \(software\), lent by a page/i,
      )
    }
    await waitFor('A’s page to attach', async () => (await a.call('gpu.status', {})).pages === 1, 60_000)
    const status = await a.call('gpu.status', {})
    expect(status.adapter).toBeNull()
    expect(status.reason).toMatch(/software one .*set gpu\.softwareAdapters in config\.json/)
    expect((await a.call('sharing.state', {})).resources.gpu.notEnforced).toContain(
      `GPU jobs: none run here: ${status.reason}`,
    )
  })

  it('runs the WGSL example on B’s and C’s pages, verified, and pays both on A’s ledger', async () => {
    const example = (await a.call('jobs.examples', {})).find((e) => e.runtime === 'wgsl')!
    expect(example, 'a WGSL example').toBeDefined()
    const request: JobSubmitRequest = {
      name: 'primes.wgsl',
      runtime: 'wgsl',
      codeUploadId: await upload(a, 'code', Buffer.from(example.code, 'base64')),
      inputUploadId: await upload(a, 'input', Buffer.from(example.input, 'base64')),
      args: example.args,
      limits: example.limits,
      redundancy: 2,
      maxPayment: '1000000',
      maxPricePerCoreHour: '1000000',
      privacy: 'FullPublic',
    }
    expect((await a.call('jobs.estimate', request)).problems).toEqual([])
    const submitted = await a.call('jobs.submit', request)
    let job: JobSummary = submitted
    await waitFor(
      'the GPU job to end',
      async () => {
        job = await a.call('jobs.get', { jobId: submitted.jobId })
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
    expect(new Set(accepted.map((p) => p.peerId))).toEqual(new Set([b.peerId, c.peerId]))
    for (const run of accepted)
      expect(run.log).toMatch(/ran on the WebGPU adapter .*swiftshader.* \(software\) \(in a page\)/i)
    const paid = accepted.reduce((sum, p) => sum + BigInt(p.paid!), 0n)
    expect(paid).toBeGreaterThan(0n)
    expect(BigInt(job.cost!)).toBe(paid)

    const chunk = await a.call('jobs.readResult', { jobId: job.jobId, offset: 0, length: 32 * 1024 })
    const output = Buffer.from(chunk.data, 'base64')
    expect(createHash('sha256').update(output).digest('hex')).toBe(example.expectedOutputHash)
    // Words 2, 3 and 5 are prime; 4 is not.
    expect([2, 3, 4, 5].map((n) => output.readUInt32LE(n * 4))).toEqual([1, 1, 0, 1])

    for (const provider of [b, c]) {
      await waitFor('the provider to see its pay', async () => {
        const [ran] = await provider.call('jobs.provided', {})
        return ran?.outcome === 'paid'
      })
      const [ran] = await provider.call('jobs.provided', {})
      const run = accepted.find((p) => p.peerId === provider.peerId)!
      expect(ran).toMatchObject({ jobId: job.jobId, runtime: 'wgsl', status: 'ok', earned: run.paid })
      // The receipt's cpuMillis is the page's GPU time, held to half a GPU of the run's time.
      expect(ran!.cpuMillis).toBeGreaterThan(0)
    }
  }, 180_000)
})
