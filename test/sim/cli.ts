/**
 * `npm run sim -- --seeds N [--from S]` runs N seeded scenarios; `--seed S` replays one exactly and prints
 * its violations. Exits non-zero when any seed breaks an invariant, listing the seeds to replay.
 */
import { parseArgs } from 'node:util'
import { scenarioFor } from './scenarios'
import { Simulation } from './simulation'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
  },
})
const seeds =
  values.seed != null
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.from) + i)
const failing: number[] = []
const started = performance.now()
for (const seed of seeds) {
  const config = scenarioFor(seed)
  const result = new Simulation(config).run()
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
console.log(`${seeds.length - failing.length} of ${seeds.length} seeds held every invariant (${seconds} s)`)
if (failing.length > 0) {
  console.log(`replay: ${failing.map((s) => `npm run sim -- --seed ${s}`).join('\n        ')}`)
  process.exit(1)
}
