/**
 * A browser peer reaches a node: Debian's Chromium runs the browser peer (app/stoq/browser-peer.ts,
 * bundled for the browser) and dials a real headless daemon's WebRTC Direct address. The connection must
 * be STOQ over WebRTC, pings must cross it, and the node must count the STOQ handshake and hold the
 * connection. A plain libp2p browser peer (WebRTC Direct with Noise only) gets nothing from the node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { bundleForBrowser, launchChromium } from './support/chromium'
import { ensureBuilt, startDaemon, type Daemon } from '../test/support/daemon'

import type { BrowserPeerApi } from './support/webrtc-browser-peer'

/** A page on http://127.0.0.1 (a secure context, as WebRTC's certificate hashing needs) with the bundle. */
function servePage(bundle: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/peer.js') {
      response.setHeader('content-type', 'text/javascript')
      response.end(bundle)
    } else {
      response.setHeader('content-type', 'text/html')
      response.end('<!doctype html><title>browser peer</title><script src="/peer.js"></script>')
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

describe('a browser peer dials a node over WebRTC Direct (Chromium)', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-webrtc-'))
  let daemon: Daemon
  let browser: Browser
  let server: Server
  let bundle: string
  let page: Page
  let nodeAddress: string
  const pageErrors: string[] = []

  beforeAll(async () => {
    ensureBuilt()
    bundle = await bundleForBrowser('webrtc-browser-peer')
    ;[daemon, server, browser] = await Promise.all([
      startDaemon(join(base, 'node')),
      servePage(bundle),
      launchChromium(),
    ])
    const status = await daemon.call('node.status', {})
    const webrtc = status.listenAddresses.find((a) => a.includes('/webrtc-direct/certhash/'))
    if (webrtc == null)
      throw new Error(`the node has no WebRTC Direct address: ${status.listenAddresses.join(' ')}`)
    nodeAddress = webrtc.includes('/p2p/') ? webrtc : `${webrtc}/p2p/${daemon.peerId}`
    page = await browser.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    await page.waitForFunction(() => 'browserPeer' in globalThis)
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    server?.close()
    await daemon?.stop()
    rmSync(base, { recursive: true, force: true })
  })

  /** Calls the browser peer's `method` in the page with the node's address. */
  const inPage = <M extends keyof BrowserPeerApi>(method: M): ReturnType<BrowserPeerApi[M]> =>
    page.evaluate(
      ([name, address]) =>
        (globalThis as unknown as { browserPeer: Record<string, (a: string) => unknown> }).browserPeer[
          name
        ]?.(address),
      [method, nodeAddress] as const,
    ) as ReturnType<BrowserPeerApi[M]>

  it('the browser bundle has neither node:crypto nor the Node WebRTC library in it', () => {
    expect(bundle.length).toBeGreaterThan(0)
    expect(bundle).not.toContain('node:crypto')
    expect(bundle).not.toContain('node-datachannel')
  })

  it('connects with STOQ over WebRTC, pings the node, and the node sees a STOQ handshake from it', async () => {
    const before = await daemon.call('transport.stats', {})
    const result = await inPage('dialAndPing')
    expect(pageErrors).toEqual([])
    expect(result.remotePeer).toBe(daemon.peerId)
    expect(result.remoteAddr).toMatch(
      /^\/ip4\/127\.0\.0\.1\/udp\/\d+\/webrtc-direct\/certhash\/[\w-]+\/p2p\//,
    )
    expect(result.encryption).toBe('/stoq/1.0.0')
    expect(result.multiplexer).toBe('/yamux/1.0.0')
    expect(result.rtts).toHaveLength(5)
    expect(result.rtts.every((rtt) => Number.isFinite(rtt) && rtt >= 0)).toBe(true)
    // The node's side: one more STOQ handshake completed, and a connection from the browser peer.
    const after = await daemon.call('transport.stats', {})
    expect(after.handshakes.succeeded).toBeGreaterThan(before.handshakes.succeeded)
    expect(after.connections.some((c) => c.remotePeer === result.peerId)).toBe(true)
    // And it lets the connection go when the browser peer stops.
    await inPage('stop')
    await expect
      .poll(
        async () =>
          (await daemon.call('transport.stats', {})).connections.some((c) => c.remotePeer === result.peerId),
        { timeout: 20_000 },
      )
      .toBe(false)
  }, 60_000)

  it('refuses a plain libp2p browser peer (WebRTC Direct with Noise only)', async () => {
    const result = await inPage('dialClassic')
    expect(result.pinged).toBe(false)
    // WebRTC and its Noise handshake completed (so it did reach the node), but its first data channel
    // was taken as the STOQ pipe, where the only protocol spoken is /stoq/1.0.0.
    expect(result.error).toMatch(/could not negotiate \/ipfs\/ping/)
    const stats = await daemon.call('transport.stats', {})
    expect(stats.connections.some((c) => c.remotePeer === result.peerId)).toBe(false)
  }, 60_000)
})
