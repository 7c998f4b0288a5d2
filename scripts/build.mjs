// Builds everything `npm start` runs: the headless daemon, Electron main and preload (esbuild), and the
// renderer (Vite). `--only node` builds just the daemon; `--only electron` main and preload.
import { build } from 'esbuild'
import { parseArgs } from 'node:util'
import { rmSync } from 'node:fs'

const { values } = parseArgs({ options: { only: { type: 'string' } } })
const only = values.only
const want = (part) => (only == null && part !== 'bench') || only === part

// ESM bundles that leave npm packages external (they load from node_modules) but have __dirname.
const esmNode = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: "import { fileURLToPath as __hmUrlToPath } from 'node:url'; import { dirname as __hmDirname } from 'node:path'; const __filename = __hmUrlToPath(import.meta.url); const __dirname = __hmDirname(__filename);",
  },
}

/**
 * Worker threads load only what their work needs: our own modules are marked free of side effects for
 * these bundles, so the parts of a subsystem's face that a worker does not use (and the npm packages
 * behind them, libp2p included) are left out of its file. Each worker thread costs tens of MiB less.
 */
const workerBundle = {
  ...esmNode,
  plugins: [
    {
      name: 'hypermesh-side-effect-free',
      setup(build) {
        build.onResolve({ filter: /^\./ }, async (args) => {
          if (args.pluginData === 'resolved' || args.kind === 'entry-point') return undefined
          const result = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: 'resolved',
          })
          if (result.errors.length > 0) return { errors: result.errors }
          return { ...result, sideEffects: !/[/\\](app|shared)[/\\]/.test(result.path) ? undefined : false }
        })
      },
    },
  ],
}
const workerEntries = {
  'vdf-worker': 'app/consensus/ledger/vdf-worker.ts',
  'signature-worker': 'app/node/workers/signature-worker.ts',
}

/**
 * The job sandbox process (app/jobs/sandbox/runner/): its own bundle, started by the daemon with
 * `node --permission` allowed to read only this file and the runtimes' packages, so everything else it
 * uses (@noble/ciphers) is bundled in. `.mjs`, so Node needs no package.json to know it is a module.
 */
const sandboxRunnerBuild = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // Each runtime in its own chunk, loaded only by the jobs that use it.
  splitting: true,
  sourcemap: true,
  logLevel: 'warning',
  // test/support/sandbox-compliance.ts builds the same way for the tests.
  external: ['quickjs-emscripten', 'quickjs-emscripten-core', '@jitl/*', 'pyodide'],
  entryPoints: { runner: 'app/jobs/sandbox/runner/runner.ts' },
  outExtension: { '.js': '.mjs' },
}

const jobs = []
if (want('node')) {
  jobs.push(
    build({
      ...esmNode,
      entryPoints: {
        cli: 'app/node/cli.ts',
        testnet: 'app/node/testnet.ts',
        // Loaded only into the node processes of a chaos testnet (npm run testnet -- --chaos).
        'chaos-preload': 'app/node/chaos/partition-preload.ts',
      },
      outdir: 'dist/daemon',
    }),
    build({ ...workerBundle, entryPoints: workerEntries, outdir: 'dist/daemon' }),
    build({ ...sandboxRunnerBuild, outdir: 'dist/jobs-runner' }),
  )
}
if (only === 'test-daemons') {
  // Daemons that misbehave on purpose, for tests (test/support/); built on demand, never part of the app.
  jobs.push(
    build({
      ...esmNode,
      entryPoints: { 'lying-provider': 'test/support/lying-provider-daemon.ts' },
      outdir: 'dist/test-daemon',
    }),
    build({ ...workerBundle, entryPoints: workerEntries, outdir: 'dist/test-daemon' }),
  )
}
if (only === 'bench') {
  // Benchmarks are built on demand (npm run bench:*), never as part of the app.
  jobs.push(
    build({
      ...esmNode,
      entryPoints: {
        stoq: 'bench/stoq.ts',
        'handshake-dos': 'bench/handshake-dos.ts',
        connections: 'bench/connections.ts',
        tiers: 'bench/tiers.ts',
        consensus: 'bench/consensus.ts',
        assets: 'bench/assets.ts',
        jobs: 'bench/jobs.ts',
        exchange: 'bench/exchange.ts',
        'signature-worker': 'app/node/workers/signature-worker.ts',
        // The consensus simulator's command line (npm run sim)
        sim: 'test/sim/cli.ts',
      },
      outdir: 'dist/bench',
    }),
  )
}
if (want('electron')) {
  jobs.push(
    build({
      ...esmNode,
      entryPoints: { index: 'main/index.ts' },
      outdir: 'dist/main',
      external: ['electron'],
    }),
    build({ ...workerBundle, entryPoints: workerEntries, outdir: 'dist/main' }),
  )
  // Sandboxed preloads must be CommonJS and may require only electron: bundle everything else in.
  jobs.push(
    build({
      entryPoints: ['preload/index.ts'],
      outfile: 'dist/preload/index.cjs',
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['electron'],
      sourcemap: true,
      logLevel: 'warning',
    }),
  )
}
if (want('renderer')) {
  const { build: viteBuild } = await import('vite')
  rmSync('dist/renderer', { recursive: true, force: true })
  jobs.push(viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' }))
}
await Promise.all(jobs)
console.log(`built ${only ?? 'daemon, electron main/preload and renderer'} into dist/`)
