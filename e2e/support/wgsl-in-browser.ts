/**
 * Runs in Chromium (bundled by e2e/wgsl-runner.e2e.test.ts): the shared WGSL runner on the page's own
 * `navigator.gpu`, exposed to the test as `window.wgslRunner`.
 */
import { findAdapter, runWgsl, type WgslOutcome } from '../../shared/gpu/run-wgsl'
import { parseDispatch } from '../../shared/gpu/wgsl-job'

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))

interface PageJob {
  code: string
  input: string
  args: string[]
  outputBytes: number
  memoryBytes: number
  deadlineMs: number
}

const runner = {
  adapter: () => findAdapter(navigator.gpu),
  async run(job: PageJob): Promise<Omit<WgslOutcome, 'output'> & { output: string }> {
    const dispatch = parseDispatch(job.args)
    if ('problem' in dispatch) throw new Error(dispatch.problem)
    const outcome = await runWgsl(navigator.gpu, { ...job, input: fromBase64(job.input), dispatch })
    return { ...outcome, output: toBase64(outcome.output) }
  },
}

;(globalThis as unknown as { wgslRunner: typeof runner }).wgslRunner = runner
