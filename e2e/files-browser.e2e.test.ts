/**
 * Storing a file on peers from the page, between three real nodes: B and C are members of A's network and
 * share storage; on A's page a picked file is sent in chunks, sealed and placed 1 of 2 on B and C, listed,
 * downloaded back byte for byte, and both answer their storage challenges.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { ensureBuilt, type Daemon } from '../test/support/daemon'
import { launchChromium } from './support/chromium'
import { startNetwork } from './support/network'

const SHOTS = join(import.meta.dirname, '..', 'test-results')

describe('files on peers in Chromium', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-e2e-files-'))
  let a: Daemon
  let b: Daemon
  let c: Daemon
  let browser: Browser
  let page: Page
  // Over three upload chunks, so that the progress and the chunking are exercised.
  const content = randomBytes(100 * 1024)

  beforeAll(async () => {
    ensureBuilt({ ui: true })
    ;[a, b, c] = (await startNetwork(base, ['a', 'b', 'c'])) as [Daemon, Daemon, Daemon]
    for (const holder of [b, c]) {
      await holder.call('sharing.update', {
        resource: 'storage',
        settings: {
          ...defaultSharing('storage'),
          enabled: true,
          privacy: 'FullPublic',
          diskQuotaBytes: 16 * 1024 ** 2,
        },
      })
    }
    browser = await launchChromium()
    mkdirSync(SHOTS, { recursive: true })
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 }, acceptDownloads: true })
    await page.goto(a.uiUrl)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([a?.stop(), b?.stop(), c?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('stores a picked file 1 of 2 on B and C, sealed for A', async () => {
    await page.getByTestId('files-empty').waitFor()
    await page.getByTestId('file-input').setInputFiles({
      name: 'notes.bin',
      mimeType: 'application/octet-stream',
      buffer: content,
    })
    await expect
      .poll(() => page.getByTestId('file-notice').textContent(), { timeout: 30_000 })
      .toBe('Stored “notes.bin”: sealed for this node, 1 of 2 holders give it back.')
    await expect.poll(() => page.getByTestId('stored-file').count()).toBe(1)
    const [stored] = await a.call('files.list', {})
    expect(stored).toMatchObject({ name: 'notes.bin', size: content.length, k: 1, n: 2 })
    expect(new Set(stored!.holders)).toEqual(new Set([b.peerId, c.peerId]))
  })

  it('downloads it back byte for byte, and both holders answer their challenges', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('fetch-file').click(),
    ])
    expect(download.suggestedFilename()).toBe('notes.bin')
    const saved = join(base, 'downloaded.bin')
    await download.saveAs(saved)
    expect(readFileSync(saved).equals(content)).toBe(true)
    await page.getByTestId('check-file').click()
    // Each holder answers a challenge over the network: on a loaded machine that takes over a second.
    await expect
      .poll(() => page.getByTestId('holder-checks').locator('li.ok').count(), { timeout: 20_000 })
      .toBe(2)
    await page.getByTestId('files-card').screenshot({ path: join(SHOTS, 'files-view.png') })
  })
})
