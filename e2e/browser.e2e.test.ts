/**
 * End to end in a real browser: two headless daemons, Playwright driving Debian's Chromium against their
 * dashboards. Node B's invite is read from B's UI and pasted into A's Join; B must appear in A's peers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './support/chromium'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'

const SHOTS = join(import.meta.dirname, '..', 'test-results')

describe('dashboard in Chromium (browser mode)', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-'))
  let a: Daemon
  let b: Daemon
  let browser: Browser

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    ;[a, b] = await Promise.all([startDaemon(join(base, 'a')), startDaemon(join(base, 'b'))])
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  const openDashboard = async (daemon: Daemon): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(daemon.uiUrl)
    await expect
      .poll(() => page.getByTestId('peer-id').textContent(), { timeout: 20_000 })
      .toContain(daemon.peerId)
    return page
  }

  it('shows the node: peer id, network, addresses, uptime and hardware', async () => {
    const page = await openDashboard(a)
    const status = await a.call('node.status', {})
    await expect.poll(() => page.getByTestId('network-id').textContent()).toContain(status.network.networkId)
    expect(await page.getByTestId('listen-address').count()).toBe(status.listenAddresses.length)
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toContain('Connected')
    await expect
      .poll(() => page.getByTestId('hardware-cpu').textContent(), { timeout: 20_000 })
      .toMatch(/\d+\s*%/)
    expect(await page.getByTestId('hardware-gpus').textContent()).toBeTruthy()
    // The token was taken out of the address bar once read.
    expect(page.url()).not.toContain('token=')
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true })
    await page.close()
  })

  it('a bad invite shows the error and changes nothing', async () => {
    const page = await openDashboard(a)
    const before = await a.call('node.status', {})
    await page.getByTestId('join-input').fill('hm1-this-is-not-an-invite')
    await page.getByTestId('join-button').click()
    await expect.poll(() => page.getByTestId('join-error').textContent()).toMatch(/invite/i)
    expect((await a.call('node.status', {})).network).toEqual(before.network)
    await page.screenshot({ path: join(SHOTS, 'join-error.png') })
    await page.close()
  })

  it("joining with B's invite, copied from B's dashboard, puts B in A's peer list", async () => {
    const pageB = await openDashboard(b)
    await expect.poll(async () => (await readInvite(pageB)).startsWith('hm1'), { timeout: 20_000 }).toBe(true)
    const invite = await readInvite(pageB)
    const pageA = await openDashboard(a)
    await pageA.getByTestId('join-input').fill(invite)
    await pageA.getByTestId('join-button').click()
    const row = pageA.locator(`[data-testid="peer-row"][data-peer-id="${b.peerId}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect((await a.call('node.status', {})).network.networkId).toBe(
      (await b.call('node.status', {})).network.networkId,
    )
    await expect
      .poll(() => row.getByTestId('peer-latency').textContent(), { timeout: 30_000 })
      .toMatch(/\d+\s*ms/)
    // The connection is STOQ, and the dashboard says it is post-quantum.
    expect(await row.getByTestId('peer-security').textContent()).toContain('Post-quantum')
    expect(await pageA.getByTestId('node-transport').textContent()).toContain('MLKEM1024')
    // The transport card counts the STOQ handshake and charts the traffic.
    await expect
      .poll(() => pageA.getByTestId('transport-handshakes').textContent(), { timeout: 10_000 })
      .toMatch(/[1-9]\d* succeeded/)
    expect(await pageA.getByTestId('transport-chart').locator('polyline').count()).toBe(2)
    await pageA.screenshot({ path: join(SHOTS, 'joined.png'), fullPage: true })
    await pageA.close()
    await pageB.close()
  })

  it('without the token the UI asks for it and the API refuses requests', async () => {
    const page = await browser.newPage()
    await page.goto(a.apiUrl + '/')
    await page.getByTestId('auth-required').waitFor({ timeout: 20_000 })
    const call = await page.request.post(`${a.apiUrl}/api/call`, {
      data: { id: 1, method: 'node.status', params: {} },
    })
    expect(call.status()).toBe(401)
    const wrong = await page.request.post(`${a.apiUrl}/api/call`, {
      data: { id: 1, method: 'node.status', params: {} },
      headers: { authorization: 'Bearer not-the-token' },
    })
    expect(wrong.status()).toBe(401)
    await page.close()
  })
})

async function readInvite(page: Page): Promise<string> {
  const field = page.getByTestId('invite-text')
  const tag = await field.evaluate((el) => el.tagName)
  return (
    (tag === 'TEXTAREA' || tag === 'INPUT' ? await field.inputValue() : await field.textContent()) ?? ''
  ).trim()
}
