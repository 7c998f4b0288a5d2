/**
 * Builds a worker entry (e.g. app/node/workers/signature-worker.ts) into one self-contained file, as the
 * app's build does, so that tests run the real worker code from source.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { root } from './daemon'

export async function buildWorker(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'hm-worker-')), 'worker.mjs')
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    logLevel: 'warning',
  })
  return outfile
}
