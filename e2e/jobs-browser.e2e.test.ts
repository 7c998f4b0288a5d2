/**
 * The Jobs view in Chromium, between real nodes: B and C are members of A's network, staked, and share
 * their CPU at a price on A's ledger. On A's page, opened at #/jobs, a job typed in the form is estimated
 * with no budget set (it holds its worst case) and may be submitted; the WASM prime-sieve example runs in
 * one click on B and C, and the page shows it done, verified, with its output and what it cost. A new
 * member holding no CAESAR is told in words why the same example is not sent.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobExample, JobSummary } from '../shared/api'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from '../test/support/daemon'
import { launchChromium } from './support/chromium'
import { chainOf, registerCpuProviders, startNetwork } from './support/network'

const SHOTS = join(import.meta.dirname, '..', 'test-results')
/** What B and C ask per core-hour, in units (1 CAESAR): enough for a sieve's milliseconds to cost > 0. */
const PRICE_PER_CORE_HOUR = '1000000'

describe('jobs in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-jobs-'))
  let a: Daemon
  let b: Daemon
  let c: Daemon
  /** Started with the others, joins A's network only in the last test: a new member with no CAESAR. */
  let newcomer: Daemon
  let browser: Browser
  let page: Page
  let examples: JobExample[]
  const pageErrors: string[] = []

  const sieveOf = (list: JobExample[]): JobExample => {
    const sieve = list.find((e) => e.runtime === 'wasm-wasi' && /prime/i.test(e.title))
    expect(sieve, 'a WebAssembly prime-sieve example').toBeDefined()
    return sieve!
  }

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    const [network, joiner] = await Promise.all([
      startNetwork(base, ['a', 'b', 'c']),
      startDaemon(join(base, 'newcomer')),
    ])
    ;[a, b, c] = network as [Daemon, Daemon, Daemon]
    newcomer = joiner
    await registerCpuProviders(a, [b, c], PRICE_PER_CORE_HOUR)
    examples = await a.call('jobs.examples', {})
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
    page = await browser.newPage({ viewport: { width: 1280, height: 1800 }, acceptDownloads: true })
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    // The token rides in the fragment once and is kept for the session; then #/jobs opens the view directly.
    await page.goto(a.uiUrl)
    await page.getByRole('navigation', { name: 'Views' }).waitFor()
    await page.goto(`${new URL(a.uiUrl).origin}/#/jobs`)
    await page.reload()
  }, 600_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop(), c?.stop(), newcomer?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('opens the Jobs view from #/jobs, marked as the current view', async () => {
    await page.getByRole('heading', { name: 'Try an example' }).waitFor()
    expect(await page.getByRole('link', { name: 'Jobs' }).getAttribute('aria-current')).toBe('page')
    await page.getByTestId('jobs-empty').waitFor()
  })

  it('estimates a job typed in the form, with no budget set, and lets it be submitted', async () => {
    const script = examples.find((e) => e.runtime === 'quickjs')!
    const form = page.getByTestId('submit-job')
    await form.getByLabel('Code', { exact: true }).fill(Buffer.from(script.code, 'base64').toString())
    await form.getByLabel('Input', { exact: true }).fill('1000')
    // Its budget is its worst case: at 1 core for 10 s, 10 CAESAR per core-hour at most, 2 runs and a
    // tie-breaker, 3 × 0.027778 CAESAR. A's balance holds it and the fee, so nothing stops it.
    await expect
      .poll(() => form.getByTestId('job-estimate').textContent(), { timeout: 30_000 })
      .toMatch(/Providers available2.*Worst case0\.083334 CAESAR/)
    expect(await form.getByRole('list', { name: 'Problems' }).count()).toBe(0)
    expect(await form.getByTestId('submit-blocker').count()).toBe(0)
    expect(await form.getByRole('button', { name: 'Submit job' }).isEnabled()).toBe(true)
    await form.screenshot({ path: join(SHOTS, 'jobs-submit-form.png') })
  })

  it('runs the WASM prime-sieve example on B and C, verified, with its output and a cost above 0', async () => {
    const sieve = sieveOf(examples)
    await page.getByRole('button', { name: `Try ${sieve.title}`, exact: true }).click()
    await page.getByTestId('example-sent').waitFor({ timeout: 60_000 })
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getByTestId('job-state').textContent(), { timeout: 120_000 }).toBe('done')

    const [summary]: JobSummary[] = await a.call('jobs.list', {})
    expect(summary).toMatchObject({ state: 'done', verified: true, redundancy: 2 })
    expect(summary!.outputHash).toBe(sieve.expectedOutputHash)
    expect(new Set(summary!.providers.filter((p) => p.state === 'accepted').map((p) => p.peerId))).toEqual(
      new Set([b.peerId, c.peerId]),
    )

    const preview = await job.getByLabel('Output preview').textContent({ timeout: 20_000 })
    expect(preview?.trim()).not.toBe('')
    if (summary!.outputBytes! <= 4096) {
      expect(
        createHash('sha256')
          .update(preview ?? '')
          .digest('hex'),
      ).toBe(sieve.expectedOutputHash)
    }
    expect(await job.getByTestId('job-result').textContent()).toMatch(/verified by 2 providers/)

    await expect
      .poll(() => job.getByTestId('job-cost').textContent(), { timeout: 60_000 })
      .toMatch(/^[\d.]+ CAESAR$/)
    const cost = (await job.getByTestId('job-cost').textContent())!.replace(' CAESAR', '')
    expect(Number(cost)).toBeGreaterThan(0)
    expect(pageErrors).toEqual([])
    await page.getByTestId('job-list-card').screenshot({ path: join(SHOTS, 'jobs-view.png') })
    await page.screenshot({ path: join(SHOTS, 'jobs-page.png'), fullPage: true })
  }, 240_000)

  it('tells a new member holding no CAESAR, in words, why the example was not sent', async () => {
    const { invite } = await a.call('network.invite', {})
    await newcomer.call('network.join', { invite })
    const { chainId } = await chainOf(a)
    await waitFor(
      'the newcomer to sync A’s chain',
      async () => (await chainOf(newcomer)).chainId === chainId,
      60_000,
    )
    const own = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    own.on('pageerror', (err) => pageErrors.push(String(err)))
    await own.goto(newcomer.uiUrl)
    await own.getByRole('link', { name: 'Jobs' }).click()
    const sieve = sieveOf(await newcomer.call('jobs.examples', {}))
    await own.getByRole('button', { name: `Try ${sieve.title}`, exact: true }).click()
    // The example's worst case (3 runs at 0.013889 CAESAR) and the escrow's fee.
    await expect
      .poll(() => own.getByTestId('example-error').textContent(), { timeout: 30_000 })
      .toBe(
        'The example was not sent: this account holds 0 CAESAR; the budget and the fee need 0.041677 CAESAR',
      )
    expect(await newcomer.call('jobs.list', {})).toEqual([])
    expect(pageErrors).toEqual([])
    await own.getByTestId('job-examples').screenshot({ path: join(SHOTS, 'jobs-example-refused.png') })
    await own.close()
  }, 120_000)
})
