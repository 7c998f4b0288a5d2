/**
 * Ready jobs a new user can run in one click: the primes below 1000 in three runtimes (WebAssembly,
 * JavaScript, Python), which all print the same lines, so their outputs share one hash.
 */
import { createHash } from 'node:crypto'
import type { JobExample } from '../../../shared/jobs-schemas'
import { primeSieveWasm } from './index'
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
  ]
}
