/** The provider's engine: jobs run in the sandbox process (./sandbox) inside the leased-work group. */
import { existsSync } from 'node:fs'
import type { Logger } from 'pino'
import { JOB_RUNTIME_INFO } from '../../shared/jobs-schemas'
import type { JobEngine } from './provider/run-port'
import { nodeBinary } from './sandbox/node-binary'
import { defaultRunnerPath, runInSandbox } from './sandbox/process-sandbox'

export interface JobEngineOptions {
  /** The sandbox runner bundle; default dist/jobs-runner/runner.mjs beside this bundle. */
  runnerPath?: string
  /** The Node.js binary for sandbox processes; default this process's own (app/jobs/sandbox/node-binary.ts). */
  nodePath?: string
}

export function createJobEngine(log: Logger, options: JobEngineOptions = {}): JobEngine {
  const { runnerPath = defaultRunnerPath(), nodePath } = options
  const node = nodeBinary(nodePath)
  const unavailable =
    'reason' in node
      ? node.reason
      : existsSync(runnerPath)
        ? null
        : `the job sandbox is not built here (${runnerPath} is missing); run npm run build`
  if (unavailable != null) log.warn({ reason: unavailable }, 'this node runs no jobs for other peers')
  return {
    refusalFor: (runtime) => {
      if (JOB_RUNTIME_INFO[runtime].resource === 'gpu')
        return 'this node runs no GPU jobs: it has no WebGPU adapter'
      return unavailable
    },
    run: async (run, group, options) => {
      const result = await runInSandbox(
        {
          runtime: run.runtime,
          code: run.code,
          input: run.input,
          args: run.args,
          limits: run.limits,
          grants: run.grants,
          startTimeMs: run.startTimeMs,
          seed: run.seed,
        },
        { group, signal: options.signal, onLog: options.onLog, runnerPath, nodePath },
      )
      return {
        status: result.status,
        output: result.output,
        outputHash: result.outputHash,
        cpuMillis: result.cpuMillis,
        wallMs: result.wallMs,
        log: result.log,
        error: result.error,
      }
    },
  }
}
