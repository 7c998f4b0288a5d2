/**
 * End to end through the real Electron window: main starts the node, preload exposes the bridge, the renderer
 * shows this node's peer id. Runs wherever an Electron binary is installed; skipped (with the reason printed)
 * where it is not, since that binary cannot be downloaded everywhere. Needs `npm run build` first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
/** Electron starts the app the way a packaged build does: from package.json "main". */
const MAIN_ENTRY = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main
const BUILD_OUTPUTS = [MAIN_ENTRY, 'dist/preload/index.cjs', 'dist/renderer/index.html']
const STARTUP_TIMEOUT_MS = 60_000

/** The Electron binary, read the way the electron package does, without require('electron') (which downloads). */
function electronBinary(): { path: string } | { missing: string } {
  const pathFile = join(ROOT, 'node_modules/electron/path.txt')
  if (!existsSync(pathFile)) {
    return { missing: 'no Electron binary at node_modules/electron/dist (it cannot be downloaded here)' }
  }
  const binary = join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary))
    return { missing: `node_modules/electron/path.txt names ${binary}, which is missing` }
  return { path: binary }
}

function whyNotRunnable(): string | null {
  const binary = electronBinary()
  if ('missing' in binary) return binary.missing
  if (process.platform === 'linux' && process.env.DISPLAY == null && process.env.WAYLAND_DISPLAY == null) {
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset); run it under xvfb-run'
  }
  return null
}

const skipReason = whyNotRunnable()
if (skipReason != null) console.warn(`Electron e2e NOT RUN: ${skipReason}`)
const suite = skipReason == null ? describe : describe.skip

suite('Electron app', () => {
  let app: ElectronApplication | undefined
  let page: Page
  let dataDir: string
  const output: string[] = []

  beforeAll(async () => {
    const missing = BUILD_OUTPUTS.filter((file) => !existsSync(join(ROOT, file)))
    if (missing.length > 0)
      throw new Error(`${missing.join(', ')} missing: run \`npm run build\` before this test`)

    dataDir = mkdtempSync(join(tmpdir(), 'hypermesh-electron-e2e-'))
    const binary = electronBinary()
    app = await _electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      args: [ROOT, '--data-dir', dataDir],
      cwd: ROOT,
      env: { ...process.env, HYPERMESH_LOG_LEVEL: 'debug' } as Record<string, string>,
      timeout: STARTUP_TIMEOUT_MS,
    })
    // Whatever main prints, so that a failed start explains itself in the test output.
    app.process().stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    app.process().stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    try {
      page = await app.firstWindow({ timeout: STARTUP_TIMEOUT_MS })
    } catch (err) {
      throw new Error(
        `no window appeared: ${(err as Error).message}\n--- app output ---\n${output.join('')}`,
        {
          cause: err,
        },
      )
    }
  }, STARTUP_TIMEOUT_MS + 10_000)

  afterAll(async () => {
    await app?.close().catch(() => {})
    if (dataDir != null) rmSync(dataDir, { recursive: true, force: true })
  })

  it('serves the page from the app’s own protocol, a secure context, not from file://', async () => {
    expect(page.url()).toMatch(/^hypermesh:\/\/app\/index\.html(#.*)?$/)
    const seen = await page.evaluate(() => ({
      secure: (globalThis as unknown as { isSecureContext: boolean }).isSecureContext,
      origin: (globalThis as unknown as { location: { origin: string } }).location.origin,
    }))
    expect(seen).toEqual({ secure: true, origin: 'hypermesh://app' })
  })

  it('exposes only the bridge to the renderer, and the bridge reaches the node', async () => {
    const seen = await page.evaluate(async () => {
      const w = globalThis as unknown as Record<string, unknown>
      const bridge = w.hypermesh as {
        call(request: unknown): Promise<{ ok: boolean; result?: { mode?: string } }>
      }
      const status = await bridge.call({ id: 1, method: 'node.status', params: {} })
      const bad = await bridge.call({ id: 2, method: 'node.status', params: { extra: true } })
      return {
        bridge: Object.keys(bridge).sort(),
        require: typeof w.require,
        process: typeof w.process,
        status: { ok: status.ok, mode: status.result?.mode },
        bad: bad.ok,
      }
    })
    expect(seen).toEqual({
      bridge: ['call', 'onEvent'],
      require: 'undefined',
      process: 'undefined',
      status: { ok: true, mode: 'desktop' },
      bad: false,
    })
  })

  it(
    'shows this node as connected, with its peer id',
    async () => {
      const peerId = page.getByTestId('peer-id')
      const state = page.getByTestId('connection-state')
      await expect
        .poll(async () => (await peerId.textContent({ timeout: STARTUP_TIMEOUT_MS }))?.trim(), {
          timeout: STARTUP_TIMEOUT_MS,
        })
        .toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]+$/)
      await expect
        .poll(async () => (await state.textContent())?.trim(), { timeout: STARTUP_TIMEOUT_MS })
        .toBe('Connected')

      // The id on screen is the one in the node's identity file.
      const identity = JSON.parse(readFileSync(join(dataDir, 'keys/identity.json'), 'utf8')) as {
        peerId: string
      }
      expect((await peerId.textContent())?.trim()).toBe(identity.peerId)
    },
    STARTUP_TIMEOUT_MS * 2 + 10_000,
  )

  // A file URL, so that the guard's "open http(s) in the OS browser" does not fire during the test.
  it('refuses navigation away from the app page', async () => {
    const before = page.url()
    await page.evaluate(() => {
      ;(globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hosts'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
  })

  it('stops the node on quit and leaves its files in the data dir', async () => {
    const electron = app!
    const exited = new Promise<number | null>((done) => electron.process().once('exit', (code) => done(code)))
    await electron.close()
    app = undefined
    expect(await exited).toBe(0)

    expect(existsSync(join(dataDir, 'keys/identity.json'))).toBe(true)
    expect(readFileSync(join(dataDir, 'logs/node.log'), 'utf8').length).toBeGreaterThan(0)
    // A clean stop removes the holder's pid note (the OS lock on node.lock ends with the process anyway).
    expect(existsSync(join(dataDir, 'node.pid'))).toBe(false)
  }, 30_000)
})
