/**
 * `npm run sim -- --seeds N [--from S]` runs N seeded scenarios; `--seed S` replays one exactly and prints
 * its violations. Every run of many seeds keeps its result, seed by seed, in bench/results/sim.json (`--out`
 * elsewhere; a replay writes only where `--out` says, so it never replaces the kept run), so that a claim
 * such as "1,000 of 1,000 seeds" can be checked, and two builds compared seed for seed.
 * Exits non-zero when any seed breaks an invariant, listing the seeds to replay.
 */
import { parseArgs } from 'node:util'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { benchHeader } from '../../bench/report'
import { scenarioFor } from './scenarios'
import { Simulation } from './simulation'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    out: { type: 'string' },
  },
})
const seeds =
  values.seed != null
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.from) + i)
const failing: number[] = []
const results = []
const started = performance.now()
for (const seed of seeds) {
  const config = scenarioFor(seed)
  const result = new Simulation(config).run()
  results.push({
    seed,
    validators: config.validators,
    byzantine: config.byzantine,
    heights: result.heights,
    slashed: result.slashed,
    virtualMs: result.virtualMs,
    messages: result.messages,
    violations: result.violations,
  })
  if (result.violations.length > 0) {
    failing.push(seed)
    console.log(
      `seed ${seed} FAILED (${config.validators} validators, byzantine: ${config.byzantine.join(', ') || 'none'})`,
    )
    for (const v of result.violations) console.log(`  ${v}`)
  } else if (values.seed != null) {
    console.log(
      `seed ${seed}: heights ${result.heights.join(' ')}, ${result.slashed} slashed, ${result.virtualMs} ms virtual`,
    )
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const held = seeds.length - failing.length
console.log(`${held} of ${seeds.length} seeds held every invariant (${seconds} s)`)
const command = `npm run sim -- ${process.argv.slice(2).join(' ')}`.trim()
const out = values.out ?? (values.seed == null ? 'bench/results/sim.json' : null)
if (out != null) {
  mkdirSync(dirname(out), { recursive: true })
  // One line per seed, so that two runs compare with a plain diff.
  const header = JSON.stringify(
    { ...benchHeader(command), held, total: seeds.length, seconds: Number(seconds) },
    null,
    2,
  )
  const lines = results.map((r) => `    ${JSON.stringify(r)}`).join(',\n')
  writeFileSync(out, `${header.slice(0, -2)},\n  "results": [\n${lines}\n  ]\n}\n`)
  console.log(`wrote ${out}`)
}
if (failing.length > 0) {
  console.log(`replay: ${failing.map((s) => `npm run sim -- --seed ${s}`).join('\n        ')}`)
  process.exit(1)
}
