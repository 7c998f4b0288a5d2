/**
 * A daemon whose node cheats as a provider: it runs each job in its sandbox as any provider does, then
 * changes one byte of the output and signs a work receipt for the changed output, so that verification by
 * redundancy has a wrong result to catch. Test support only: built on demand by
 * `node scripts/build.mjs --only test-daemons` into dist/test-daemon/, never into the app.
 */
import { createHash } from 'node:crypto'
import { createJobEngine, type JobEngine } from '../../app/jobs'
import { runDaemon } from '../../app/node/daemon-main'
import type { Logger } from 'pino'

function lyingEngine(log: Logger): JobEngine {
  const honest = createJobEngine(log)
  return {
    refusalFor: (runtime) => honest.refusalFor(runtime),
    run: async (run, group, options) => {
      const outcome = await honest.run(run, group, options)
      const output = outcome.output.length === 0 ? new Uint8Array([0x21]) : Uint8Array.from(outcome.output)
      output[output.length - 1]! ^= 0x01
      return { ...outcome, output, outputHash: createHash('sha256').update(output).digest('hex') }
    },
  }
}

void runDaemon(process.argv.slice(2), { jobEngine: lyingEngine })
