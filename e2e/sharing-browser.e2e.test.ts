/**
 * The sharing view in Chromium against a real daemon: a slider moved and applied changes the limits the
 * node enforces on leased work; a privacy level that needs more is refused with the reason, then a valid
 * one is applied; terms that exceed the machine are refused; all of it survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import {
  estimatePerHour,
  formatCaesar,
  offerUnder,
  type HardwareSnapshot,
  type RewardsStatus,
  type SharingState,
} from '../shared/api'
import { launchChromium } from './support/chromium'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'

const SHOTS = join(import.meta.dirname, '..', 'test-results')

describe('sharing view in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-sharing-'))
  let node: Daemon
  let browser: Browser
  let page: Page
  const sharing = async (): Promise<SharingState> => (await node.call('sharing.state', {})) as SharingState

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    node = await startDaemon(join(base, 'a'))
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    await page.goto(node.uiUrl)
  })

  afterAll(async () => {
    await browser?.close()
    await node?.stop()
    rmSync(base, { recursive: true, force: true })
  })

  it('says how limits are enforced here and that nothing is shared yet', async () => {
    await page.getByTestId('sharing-card').waitFor()
    const state = await sharing()
    expect(await page.getByTestId('limiter').textContent()).toContain(`(${state.limiter.kind})`)
    expect(await page.getByTestId('sharing-activity').textContent()).toBe('Not sharing now: not shared')
    const assets = (await node.call('assets.list', {})) as { resource: string; proxyAddress: string }[]
    const cpuAddress = assets.find((a) => a.resource === 'cpu')!.proxyAddress
    await expect.poll(() => page.getByTestId('proxy-address').first().textContent()).toBe(cpuAddress)
  })

  it('a moved slider, once applied, is the CPU share the node enforces, shown configured against measured', async () => {
    await page.getByTestId('share-toggle').check()
    await page.getByTestId('allocation-slider').fill('40')
    expect(await page.getByTestId('allocation-value').textContent()).toBe('40 %')
    await page.getByTestId('apply-sharing').click()
    await page.getByTestId('sharing-saved').waitFor()
    const cpu = (await sharing()).resources.cpu
    expect(cpu.settings).toMatchObject({ enabled: true, allocationPercent: 40 })
    expect(cpu.activity.active).toBe(true)
    const cores = (availableParallelism() * 40) / 100
    expect(cpu.configured.cpuCores).toBeCloseTo(cores, 2)
    await expect
      .poll(() => page.getByTestId('configured-vs-measured').textContent())
      .toContain(`configured ${cores.toFixed(2)} cores`)
    expect(await page.getByTestId('sharing-activity').textContent()).toBe('Sharing now')
  })

  it('a privacy level that needs more is refused with the reason; a valid one is enforced', async () => {
    await page.getByTestId('privacy-P2P').check()
    await page.getByTestId('apply-sharing').click()
    expect(await page.getByTestId('sharing-error').textContent()).toContain(
      'P2P needs at least one trusted peer',
    )
    expect((await sharing()).resources.cpu.settings.privacy).toBe('Private')

    await page.getByTestId('privacy-FullPublic').check()
    await page.getByTestId('apply-sharing').click()
    await page.getByTestId('sharing-saved').waitFor()
    expect((await sharing()).resources.cpu.settings.privacy).toBe('FullPublic')
  })

  it('registers the shared CPU on the ledger, and lists it among the network’s assets', async () => {
    await page.getByTestId('register-asset').click()
    await expect.poll(() => page.getByTestId('network-asset').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await page.getByTestId('network-asset').first().textContent()).toMatch(/^CPU .*FullPublic.*yours/)
    await page.getByTestId('asset-registered').waitFor()
    const [registered] = (await node.call('assets.discover', {})) as { resource: string; isOwn: boolean }[]
    expect(registered).toMatchObject({ resource: 'cpu', isOwn: true })
  })

  it('estimates what terms would earn before they are applied, from the ledger’s reward schedule', async () => {
    const rewards = (await node.call('rewards.status', {})) as RewardsStatus
    expect(rewards.enabled).toBe(true)
    await expect.poll(() => page.getByTestId('rewards-lifetime').textContent()).toBe('0 CAESAR')
    expect(await page.getByTestId('rewards-empty').textContent()).toContain('No earnings yet')
    const hardware = (await node.call('hardware.snapshot', {})) as HardwareSnapshot
    const cpu = (await sharing()).resources.cpu.settings
    const perDay = (percent: number): string => {
      const offer = offerUnder('cpu', { ...cpu, allocationPercent: percent }, hardware)
      return formatCaesar(
        String(Math.round(24 * estimatePerHour('cpu', offer, 'FullPublic', rewards.schedule))),
      )
    }
    const estimate = page.getByTestId('terms-cpu').getByTestId('estimate-value')
    expect(await estimate.textContent()).toBe(perDay(40))
    await page.getByTestId('allocation-slider').fill('80')
    expect(await estimate.textContent()).toBe(perDay(80))
    expect(await page.getByTestId('earnings-estimate').textContent()).toContain(`(now ${perDay(40)})`)
    // Nothing changes on the node until the terms are applied.
    expect((await sharing()).resources.cpu.settings.allocationPercent).toBe(40)
    await page.getByRole('button', { name: 'Reset' }).click()
    expect(await estimate.textContent()).toBe(perDay(40))
  })

  it('terms beyond this machine are refused with what to change', async () => {
    await page.getByTestId('sharing-tab-storage').click()
    await page.getByLabel('Disk quota').fill('100000')
    await page.getByTestId('apply-sharing').click()
    expect(await page.getByTestId('sharing-error').textContent()).toMatch(
      /storage: the disk quota .* is more than the disk holds/,
    )
    await page.getByTestId('sharing-card').screenshot({ path: join(SHOTS, 'sharing-view.png') })
  })

  it('the applied terms survive a restart of the node', async () => {
    await node.stop()
    node = await startDaemon(join(base, 'a'))
    await page.goto(node.uiUrl)
    await expect
      .poll(() => page.getByTestId('allocation-value').textContent(), { timeout: 20_000 })
      .toBe('40 %')
    expect((await sharing()).resources.cpu.settings).toMatchObject({ enabled: true, privacy: 'FullPublic' })
  })
})
