/**
 * Ready jobs a new user can run in one click: the primes below 1000 in three runtimes (WebAssembly,
 * JavaScript, Python), which all print the same lines, so their outputs share one hash; and on a GPU, a
 * WGSL shader that marks the same primes, one word per number.
 */
import { createHash } from 'node:crypto'
import type { JobExample } from '../../../shared/jobs-schemas'
import { primeSieveWasm } from './index'
import { PRIMES_WGSL, primesWgslInput, primesWgslOutput, WGSL_WORKGROUP_SIZE } from './primes-wgsl'
import { PRIMES_JS, PRIMES_PY, primesOutput } from './scripts'

const LIMIT = 1000
const MiB = 1024 * 1024
const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64')

export function jobExamples(): JobExample[] {
  const common = {
    input: base64(String(LIMIT)),
    args: [],
    expectedOutputHash: createHash('sha256').update(primesOutput(LIMIT)).digest('hex'),
  }
  return [
    {
      id: 'primes-wasm',
      title: 'Prime sieve in WebAssembly',
      description: `The primes below ${LIMIT}, sieved by a WASI module on two providers that must agree.`,
      runtime: 'wasm-wasi',
      code: base64(primeSieveWasm()),
      limits: { millicores: 500, memoryBytes: 32 * MiB, wallMs: 10_000, outputBytes: 64 * 1024 },
      ...common,
    },
    {
      id: 'primes-js',
      title: 'Primes in JavaScript',
      description: `The same primes in JavaScript (QuickJS).`,
      runtime: 'quickjs',
      code: base64(PRIMES_JS),
      limits: { millicores: 500, memoryBytes: 64 * MiB, wallMs: 10_000, outputBytes: 64 * 1024 },
      ...common,
    },
    {
      id: 'primes-python',
      title: 'Primes in Python',
      description: `The same primes in Python (Pyodide): it boots a whole Python, so it takes a few seconds.`,
      runtime: 'pyodide',
      code: base64(PRIMES_PY),
      limits: { millicores: 1000, memoryBytes: 512 * MiB, wallMs: 60_000, outputBytes: 64 * 1024 },
      ...common,
    },
    {
      id: 'primes-wgsl',
      title: 'Primes on a GPU (WGSL)',
      description: `The same primes marked by a WebGPU compute shader, one word per number below ${LIMIT} (1: prime).`,
      runtime: 'wgsl',
      code: base64(PRIMES_WGSL),
      input: base64(primesWgslInput(LIMIT)),
      // The dispatch size in workgroups: one invocation per number.
      args: [String(Math.ceil(LIMIT / WGSL_WORKGROUP_SIZE))],
      limits: { millicores: 250, memoryBytes: 16 * MiB, wallMs: 10_000, outputBytes: LIMIT * 4 },
      expectedOutputHash: createHash('sha256').update(primesWgslOutput(LIMIT)).digest('hex'),
    },
  ]
}
