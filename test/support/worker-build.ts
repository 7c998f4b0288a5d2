/**
 * Builds a worker entry (e.g. app/node/workers/signature-worker.ts) into one file, as the app's build does,
 * so that tests run the real worker code from source. As in the app, npm packages stay external and load
 * from node_modules (liboqs-js finds its WebAssembly beside its own files), so the file is written under
 * node_modules/.cache, from where they resolve.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { root } from './daemon'

export async function buildWorker(entry: string): Promise<string> {
  const cache = join(root, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const outfile = join(mkdtempSync(join(cache, 'hm-worker-')), 'worker.mjs')
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  })
  return outfile
}
