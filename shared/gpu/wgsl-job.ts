/**
 * The WGSL job format (docs/jobs.md, "GPU jobs"): the code is a WGSL module whose compute entry point is
 * `main`, with the job's input bound read-only at `@group(0) @binding(0)` as `array<u32>` (zero-padded to
 * whole words) and its output read-write at `@group(0) @binding(1)` as `array<u32>` (`limits.outputBytes`,
 * rounded up to whole words, zeroed, read back and cut to `outputBytes`); the args are the dispatch size
 * `[x, y?, z?]` in workgroups, as decimal strings. Checked the same way by the submitter, the provider's
 * node and the GPU host that runs it.
 */

/** The bindings a WGSL job declares, for docs, examples and error messages. */
export const WGSL_BINDINGS = {
  input: '@group(0) @binding(0) var<storage, read> input: array<u32>',
  output: '@group(0) @binding(1) var<storage, read_write> output: array<u32>',
} as const

export const WGSL_ENTRY_POINT = 'main'

/** Most workgroups in one dimension of a dispatch: WebGPU's default `maxComputeWorkgroupsPerDimension`. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65_535

/** Largest WGSL source a job may carry (the spec allows 16 MiB of code; a shader needs far less). */
export const MAX_WGSL_CODE_BYTES = 1024 * 1024

export interface Dispatch {
  x: number
  y: number
  z: number
}

const DIMENSION = /^[1-9][0-9]{0,4}$/

/** The dispatch size a job's args name, or why they name none. */
export function parseDispatch(args: readonly string[]): Dispatch | { problem: string } {
  if (args.length < 1 || args.length > 3)
    return { problem: `a WGSL job's args are its dispatch size, 1 to 3 numbers; got ${args.length}` }
  const sizes: number[] = []
  for (const [i, arg] of args.entries()) {
    const name = 'xyz'[i]
    if (!DIMENSION.test(arg))
      return { problem: `dispatch ${name} must be a whole number of workgroups from 1, written in decimal` }
    const size = Number(arg)
    if (size > MAX_WORKGROUPS_PER_DIMENSION)
      return { problem: `dispatch ${name} is ${size} workgroups; at most ${MAX_WORKGROUPS_PER_DIMENSION}` }
    sizes.push(size)
  }
  return { x: sizes[0] ?? 1, y: sizes[1] ?? 1, z: sizes[2] ?? 1 }
}

/** Bytes rounded up to whole 32-bit words, at least one word (a binding cannot be empty). */
export const wordBytes = (bytes: number): number => Math.max(4, Math.ceil(bytes / 4) * 4)

/** GPU buffer memory a run allocates: input, output, and the output's read-back copy. */
export const wgslBufferBytes = (inputBytes: number, outputBytes: number): number =>
  wordBytes(inputBytes) + 2 * wordBytes(outputBytes)

/** What is wrong with a WGSL job as submitted, before anything is sent (empty: nothing). */
export function wgslJobProblems(job: {
  args: readonly string[]
  codeBytes: number
  inputBytes: number
  limits: { outputBytes: number; memoryBytes: number }
}): string[] {
  const problems: string[] = []
  const dispatch = parseDispatch(job.args)
  if ('problem' in dispatch) problems.push(dispatch.problem)
  if (job.codeBytes > MAX_WGSL_CODE_BYTES)
    problems.push(`a WGSL module is at most ${MAX_WGSL_CODE_BYTES} bytes; this one is ${job.codeBytes}`)
  const buffers = wgslBufferBytes(job.inputBytes, job.limits.outputBytes)
  if (buffers > job.limits.memoryBytes)
    problems.push(
      `its GPU buffers (input, output and its read-back copy) take ${buffers} bytes, above the memory limit of ${job.limits.memoryBytes}`,
    )
  return problems
}
