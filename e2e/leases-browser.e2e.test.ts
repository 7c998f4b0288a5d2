/**
 * Leases by hand in Chromium, between two real nodes: the owner's page refuses a lease while its memory is
 * private, then signs one for the other node; the other node's page uses it through the owner's proxy. The
 * holder's signed usage receipt reaches the owner, whose claim on its ledger is refused while the asset is
 * not registered (the rewards view says why) and taken once it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { RewardsStatus } from '../shared/api'
import { launchChromium } from './support/chromium'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'

const SHOTS = join(import.meta.dirname, '..', 'test-results')

describe('leases in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-leases-'))
  let owner: Daemon
  let holder: Daemon
  let browser: Browser
  let ownerPage: Page
  let holderPage: Page
  let holderId: string
  let ownerAddress: string
  /** The lease the owner signed for the holder, as text. */
  let lease = ''

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    owner = await startDaemon(join(base, 'owner'))
    holder = await startDaemon(join(base, 'holder'))
    holderId = (await holder.call('node.status', {})).peerId
    const status = await owner.call('node.status', {})
    ownerAddress = status.listenAddresses.find((a: string) => a.includes('/tcp/') && !a.includes('/ws'))!
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
    ownerPage = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    holderPage = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    await ownerPage.goto(owner.uiUrl)
    await holderPage.goto(holder.uiUrl)
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all([owner?.stop(), holder?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('refuses a lease on private memory, with the reason', async () => {
    await ownerPage.getByTestId('lease-holder').fill(holderId)
    await ownerPage.getByTestId('issue-lease').click()
    expect(await ownerPage.getByTestId('lease-error').textContent()).toMatch(/this resource is not shared/)
  })

  it('signs a lease for the other node, which uses it through the owner’s proxy', async () => {
    await owner.call('sharing.update', {
      resource: 'memory',
      settings: {
        ...defaultSharing('memory'),
        enabled: true,
        privacy: 'FullPublic',
        memoryInUseBytes: 256 * 1024 ** 2,
      },
    })
    await ownerPage.getByTestId('issue-lease').click()
    const leaseText = await ownerPage.getByTestId('lease-text').inputValue()
    expect(JSON.parse(leaseText).terms.holder).toBe(holderId)

    await holderPage.getByTestId('probe-lease').fill(leaseText)
    await holderPage.getByTestId('probe-address').fill(ownerAddress)
    await holderPage.getByTestId('probe-button').click()
    await expect
      .poll(() => holderPage.getByTestId('probe-ok').textContent(), { timeout: 20_000 })
      .toMatch(/^Works: wrote and read back 4 KiB of the owner’s memory/)
    await holderPage.getByTestId('leases-card').screenshot({ path: join(SHOTS, 'leases-view.png') })
    lease = leaseText
  })

  it('the holder’s use comes back as a signed receipt; its claim is refused while the asset is unregistered', async () => {
    await expect
      .poll(async () => ((await owner.call('rewards.status', {})) as RewardsStatus).receipts.refused, {
        timeout: 20_000,
      })
      .toBe(1)
    await expect
      .poll(() => ownerPage.getByTestId('rewards-card').textContent(), { timeout: 10_000 })
      .toMatch(/Last claim refused:.*is not registered/)
  })

  it('once the memory is registered, the next use is claimed on the owner’s ledger', async () => {
    await owner.call('assets.register', { resource: 'memory' })
    await expect
      .poll(async () => ((await owner.call('assets.discover', {})) as { resource: string }[]).length, {
        timeout: 30_000,
      })
      .toBe(1)
    await holder.call('assets.probeLease', { lease, address: ownerAddress })
    await expect
      .poll(async () => ((await owner.call('rewards.status', {})) as RewardsStatus).receipts.claimed, {
        timeout: 30_000,
      })
      .toBe(1)
    await expect
      .poll(() => ownerPage.getByTestId('rewards-receipts').textContent(), { timeout: 10_000 })
      .toBe('1 claimed · 0 waiting · 1 refused')
    await ownerPage.getByTestId('rewards-card').screenshot({ path: join(SHOTS, 'rewards-view.png') })
  })

  it('a CPU lease reserves its share of the owner’s cores while the holder holds it', async () => {
    await owner.call('sharing.update', {
      resource: 'cpu',
      settings: { ...defaultSharing('cpu'), enabled: true, privacy: 'FullPublic', allocationPercent: 50 },
    })
    await ownerPage.getByTestId('lease-resource').selectOption('cpu')
    await ownerPage.getByTestId('lease-amount').fill('0.25')
    await ownerPage.getByTestId('issue-lease').click()
    const cpuLease = await ownerPage.getByTestId('lease-text').inputValue()
    expect(JSON.parse(cpuLease).terms.amount).toBe('250')
    await holderPage.getByTestId('probe-lease').fill(cpuLease)
    await holderPage.getByTestId('probe-button').click()
    await expect
      .poll(() => holderPage.getByTestId('probe-ok').textContent(), { timeout: 20_000 })
      .toMatch(/^Works: the owner reserved 0\.25 cores of its CPU for this node/)
  })
})
