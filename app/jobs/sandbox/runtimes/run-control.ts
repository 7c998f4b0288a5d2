/**
 * What the QuickJS and Pyodide engines share while one job runs: when to stop it (its deadline passed, its
 * output was cut), and how its output and log reach the runner.
 */
import type { RuntimeExit, RuntimeIo } from '../runtime'
import { realMonotonicNow, type DeterministicWorld } from './deterministic-world'

/** The exit of a run stopped because the runner refused more output (the runner reports the cut itself). */
export const OUTPUT_CUT_MESSAGE = 'output reached its limit; the run was stopped'

/** Error texts (a stack overflow's trace, a traceback) are kept to this many characters. */
const MAX_MESSAGE_CHARS = 8192

const utf8 = new TextEncoder()

export class RunControl {
  private cut = false

  constructor(
    private readonly deadline: number,
    private readonly io: RuntimeIo,
    private readonly world: DeterministicWorld,
  ) {}

  get outputCut(): boolean {
    return this.cut
  }

  deadlinePassed(): boolean {
    return realMonotonicNow() >= this.deadline
  }

  /** Polled by the engine's interrupt check while the code runs. */
  shouldStop(): boolean {
    return this.cut || this.deadlinePassed()
  }

  /** The exit for a run the engine interrupted, or undefined when nothing here asked it to stop. */
  stoppedExit(): RuntimeExit | undefined {
    if (this.cut) return { kind: 'error', message: OUTPUT_CUT_MESSAGE }
    if (this.deadlinePassed()) return { kind: 'timeout' }
    return undefined
  }

  /** Passes output on until the runner refuses it; after that, output is dropped and the run stops. */
  write(output: Uint8Array | string): void {
    if (this.cut) return
    const bytes = typeof output === 'string' ? utf8.encode(output) : output
    const accepted = this.world.outside(() => this.io.write(bytes))
    if (!accepted) this.cut = true
  }

  log(text: string): void {
    this.world.outside(() => this.io.log(text))
  }
}

export function boundedMessage(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text
  return `${text.slice(0, MAX_MESSAGE_CHARS)}\n… (${text.length - MAX_MESSAGE_CHARS} more characters)`
}
