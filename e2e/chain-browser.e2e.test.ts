/**
 * The chain view in Chromium against a real daemon: the devnet's blocks with their four proofs, this
 * node's role and balance, a transfer refused with a reason and one committed, and a block re-verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './support/chromium'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'

const SHOTS = join(import.meta.dirname, '..', 'test-results')
const RECIPIENT = '22'.repeat(20)

describe('chain view in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-chain-'))
  let node: Daemon
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    node = await startDaemon(join(base, 'a'))
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } })
    await page.goto(node.uiUrl)
  })

  afterAll(async () => {
    await browser?.close()
    await node?.stop()
    rmSync(base, { recursive: true, force: true })
  })

  it('lists blocks with their four proofs, and shows this node as the devnet’s validator', async () => {
    await expect.poll(() => page.getByTestId('block-row').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const row = await page.getByTestId('block-row').first().textContent()
    for (const proof of ['PoTime', 'PoSpace', 'PoWork', 'PoStake']) expect(row).toContain(proof)
    expect(await page.getByTestId('chain-role').textContent()).toMatch(/^Validator/)
    expect(await page.getByTestId('wallet-balance').textContent()).toMatch(/^[\d.]+ CAESAR$/)
    expect(await page.getByTestId('validator-list').textContent()).toContain('you')
  })

  it('refuses a transfer to a bad address with a reason, then commits a good one', async () => {
    await page.getByTestId('transfer-to').fill('not an address')
    await page.getByTestId('transfer-amount').fill('1.5')
    await page.getByTestId('transfer-button').click()
    expect(await page.getByTestId('transfer-error').textContent()).toMatch(/40 hex characters/)

    await page.getByTestId('transfer-to').fill(RECIPIENT)
    await page.getByTestId('transfer-button').click()
    await expect.poll(() => page.getByTestId('transfer-sent').isVisible()).toBe(true)
    await expect
      .poll(async () => (await node.call('chain.account', { address: RECIPIENT })).balance, {
        timeout: 20_000,
      })
      .toBe('1500000')
  })

  it('re-verifies a block on request', async () => {
    await page.getByTestId('verify-block').first().click()
    await expect
      .poll(() => page.getByTestId('block-check').first().textContent(), { timeout: 20_000 })
      .toContain('valid')
    await page.getByTestId('chain-card').screenshot({ path: join(SHOTS, 'chain-view.png') })
    await page.screenshot({ path: join(SHOTS, 'dashboard-chain.png'), fullPage: true })
  })
})
