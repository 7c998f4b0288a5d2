/**
 * The node starts its services in a declared order and stops them in reverse, also when start fails
 * part-way: cancelled before each service in turn, a start leaves no timer, worker thread, child process
 * or socket behind, and the next start works from nothing. Each case runs in a process of its own
 * (test/support/lifecycle-probe.ts), bundled with the node's worker files beside it as the build does.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { root } from './support/daemon'

interface Leftovers {
  timers: string[]
  workers: number
  children: string[]
  sockets: number
}
interface ProbeReport {
  steps: string[]
  failedAt: string | null
  leftAfterFailure: Leftovers
  leftAfterRetry: Leftovers
}

const NOTHING: Leftovers = { timers: [], workers: 0, children: [], sockets: 0 }
/** The order the node declares (app/node/node.ts); the test fails if it changes without this list. */
const ORDER = [
  'signature workers',
  'libp2p',
  'network',
  'traffic',
  'rewards',
  'ledger',
  'sharing',
  'assets',
  'relays',
  'files',
  'gpu hosts',
  'jobs',
]

let probe: string
/** A data dir whose identity and plot exist already, copied for each case so that none makes them again. */
let template: string
beforeAll(async () => {
  // Inside the repository, so that the bundle finds node_modules as the built app does.
  const dir = join(root, 'dist', 'lifecycle-probe')
  await build({
    entryPoints: {
      probe: join(root, 'test/support/lifecycle-probe.ts'),
      'signature-worker': join(root, 'app/node/workers/signature-worker.ts'),
      'vdf-worker': join(root, 'app/consensus/ledger/vdf-worker.ts'),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  })
  probe = join(dir, 'probe.mjs')
  template = mkdtempSync(join(tmpdir(), 'hm-lifecycle-template-'))
  await runProbe('none', template)
}, 120_000)

async function runProbe(step: string, dataDir = copyOfTemplate()): Promise<ProbeReport> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, dataDir, step], {
    cwd: root,
    timeout: 90_000,
  })
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeReport
}

function copyOfTemplate(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-lifecycle-node-'))
  cpSync(template, dataDir, { recursive: true })
  // Without the ports the template remembered: the cases run at once, each on free ports.
  rmSync(join(dataDir, 'config.json'), { force: true })
  return dataDir
}

describe('the node starts in order and, cancelled at any step, leaves nothing running', () => {
  it('starts every service in the declared order, and stopping leaves nothing', async () => {
    const report = await runProbe('none')
    expect(report.failedAt).toBeNull()
    expect(report.steps).toEqual(ORDER)
    expect(report.leftAfterRetry).toEqual(NOTHING)
  }, 120_000)

  it.concurrent.each(ORDER)(
    'cancelled before %s: what had started is stopped, and a retry starts cleanly',
    async (step) => {
      const report = await runProbe(step)
      expect(report.failedAt).toBe(`cancelled before ${step}`)
      expect(report.steps).toEqual(ORDER.slice(0, ORDER.indexOf(step) + 1))
      expect(report.leftAfterFailure).toEqual(NOTHING)
      expect(report.leftAfterRetry).toEqual(NOTHING)
    },
    120_000,
  )
})
