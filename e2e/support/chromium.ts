/**
 * Chromium, headless, for the browser e2e tests: HYPERMESH_CHROMIUM where set, else the first `chromium`
 * on PATH (npm test installs Debian's when it is missing and it can; scripts/prerequisites.mjs).
 */
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { findChromium } from '../../scripts/prerequisites.mjs'

export const CHROMIUM = findChromium()

/**
 * `webgpu`: pages get a WebGPU adapter, SwiftShader's (a software GPU), so GPU jobs run on a machine
 * without one. `navigator.gpu` exists only in secure contexts: serve the page from 127.0.0.1.
 */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  if (CHROMIUM == null) {
    throw new Error('Chromium not found: install it (apt-get install chromium) or set HYPERMESH_CHROMIUM')
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...(options.webgpu === true ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] : []),
    ],
  })
}

/** Bundles a support entry (e2e/support/NAME.ts) for the browser, as one script; the `browser` field applies. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, `${entry}.ts`)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'warning',
  })
  const text = result.outputFiles[0]?.text ?? ''
  if (text.length === 0) throw new Error(`esbuild produced no bundle for ${entry}`)
  return text
}
