// npm test: first what the tests need from the system (Chromium; as root iproute2 and iptables), installed
// when it can be, else a stop with the one command that fixes it; then build, typecheck, lint, format
// check, then every vitest project (unit, integration, e2e).
// Ends with one line "N passed, N failed, N skipped" (each check above counts as one test) and exits
// non-zero if anything failed.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { delimiter, dirname } from 'node:path'
import { requireNode22 } from './node-version.mjs'
import { ensurePrerequisites } from './prerequisites.mjs'

requireNode22()
const unmet = ensurePrerequisites()
if (unmet != null) {
  console.log(`\n${unmet}\n\n0 passed, 1 failed, 0 skipped`)
  process.exit(1)
}
const bin = (name) => `node_modules/.bin/${name}`
// The tools' `#!/usr/bin/env node` must find this Node (22), also when this script is run directly
// rather than through npm, which would put node_modules/.bin on PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }
const checks = [
  ['build', [process.execPath, 'scripts/build.mjs']],
  ['typecheck (node)', [bin('tsc'), '-p', 'tsconfig.node.json']],
  ['typecheck (web)', [bin('tsc'), '-p', 'tsconfig.web.json']],
  ['lint', [bin('eslint'), '.', '--max-warnings', '0']],
  ['format', [bin('prettier'), '--check', '.', '--log-level', 'warn']],
]
let passed = 0
let failed = 0
let skipped = 0
for (const [name, [cmd, ...args]] of checks) {
  console.log(`\n▶ ${name}`)
  const run = spawnSync(cmd, args, { stdio: 'inherit', env })
  if (run.status === 0) passed++
  else {
    failed++
    console.log(`✗ ${name} failed`)
  }
}

const report = 'test-results/vitest.json'
mkdirSync('test-results', { recursive: true })
rmSync(report, { force: true })
console.log('\n▶ vitest (unit, integration, e2e)')
const vitest = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=ExperimentalWarning`.trim(),
    },
  },
)
try {
  const results = JSON.parse(readFileSync(report, 'utf8'))
  passed += results.numPassedTests
  failed += results.numFailedTests
  skipped += results.numPendingTests + results.numTodoTests
  // A suite that failed to load has no tests to count, but it is a failure.
  failed += results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length
} catch {
  failed++
  console.log('✗ vitest produced no report')
}
if (vitest.status !== 0 && failed === 0) failed++
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
