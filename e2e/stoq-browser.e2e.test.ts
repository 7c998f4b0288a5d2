/**
 * STOQ in a browser: the handshake and framing bundled for the browser (so with @noble primitives, and no
 * node:crypto) run in Debian's Chromium: keys agree, frames arrive intact, a tampered frame and an impostor
 * are refused. This is what a browser peer needs before it can dial a node (docs/stoq.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { bundleForBrowser, launchChromium } from './support/chromium'

describe('STOQ in Chromium', () => {
  let browser: Browser
  let bundle: string

  beforeAll(async () => {
    bundle = await bundleForBrowser('stoq-in-browser')
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('the browser build has no node:crypto in it', () => {
    expect(bundle.length).toBeGreaterThan(0)
    expect(bundle).not.toContain('node:crypto')
  })

  it('completes a handshake, carries frames, and refuses tampering and impostors', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.addScriptTag({ content: bundle })
    const result = await page.evaluate(() =>
      (globalThis as unknown as { stoqSelfTest: () => Promise<Record<string, unknown>> }).stoqSelfTest(),
    )
    expect(errors).toEqual([])
    expect(result).toEqual({
      crypto: '@noble',
      // In a browser both ends prefer ChaCha20-Poly1305, the faster one in JavaScript.
      frameCipher: 'chacha20-poly1305',
      keysMatch: true,
      identityLearned: true,
      framesIntact: true,
      tamperRefused: true,
      impostorRefused: true,
    })
  }, 60_000)
})
