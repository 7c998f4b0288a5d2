/**
 * The FALCON-1024 the node signs with is liboqs's portable implementation, whose floating point is
 * emulated with integers (constant time). That is a property of the WebAssembly build installed, so it is
 * checked on the module itself: a Falcon that used the machine's floats (as @noble's, or liboqs's AVX2
 * one, do) has f64 arithmetic in every FFT step.
 */
import { createFalcon1024 } from '@oqs/liboqs-js/sig'
import { describe, expect, it } from 'vitest'
import { countInstructions } from '../../test/support/wasm-instructions'

// The node's TypeScript library has no WebAssembly declarations; this is the part used here.
interface WebAssemblyApi {
  instantiate(source: unknown, imports?: unknown): Promise<unknown>
  Module: new (bytes: Uint8Array) => unknown
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

/** The module bytes liboqs-js hands to WebAssembly when it starts a Falcon-1024 instance. */
async function falconModuleBytes(): Promise<Uint8Array> {
  const instantiate = wasm.instantiate.bind(wasm)
  let captured: Uint8Array | null = null
  wasm.instantiate = (source, imports) => {
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) captured ??= new Uint8Array(source)
    return instantiate(source, imports)
  }
  try {
    ;(await createFalcon1024()).destroy()
  } finally {
    wasm.instantiate = instantiate
  }
  if (captured == null) throw new Error('liboqs-js did not instantiate its module from bytes')
  return captured
}

describe('liboqs FALCON-1024 (WebAssembly)', () => {
  it('computes with integers only: no floating-point arithmetic, comparison or conversion, no SIMD', async () => {
    const counts = countInstructions(await falconModuleBytes())
    expect(counts.functions).toBeGreaterThan(50)
    expect(counts.float).toEqual({})
    expect(counts.vector).toBe(0)
    // The emulation's 64-bit multiplications (fpr_mul and the FFT built on it).
    expect(counts.i64Mul).toBeGreaterThan(100)
  })

  it('the check finds floating point where there is some (the control)', () => {
    // (func (param f64 f64) (result f64) local.get 0 local.get 1 f64.mul)
    const module = Uint8Array.of(
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x01, 0x07, 0x01, 0x60, 0x02, 0x7c, 0x7c, 0x01, 0x7c],
      ...[0x03, 0x02, 0x01, 0x00],
      ...[0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa2, 0x0b],
    )
    expect(() => new wasm.Module(module)).not.toThrow()
    expect(countInstructions(module).float).toEqual({ a2: 1 })
  })
})
