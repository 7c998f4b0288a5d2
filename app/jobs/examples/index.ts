/** Ready jobs a new user can run in one click: their code, and what they print. */
import { PRIMES_WASM_BASE64 } from './primes-wasm'

/** The WebAssembly prime sieve (primes.wat): prints the primes below N (its first argument, or its input). */
export function primeSieveWasm(): Uint8Array {
  return Uint8Array.from(Buffer.from(PRIMES_WASM_BASE64, 'base64'))
}
