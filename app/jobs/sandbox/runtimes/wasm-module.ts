/**
 * What the WASI runtime checks and changes in a module before it runs: the memory it may grow to is capped
 * by rewriting the module's memory section (its maximum becomes min(declared, cap)), so `memory.grow` fails
 * at the cap inside WebAssembly itself; and its imports are only WASI preview 1's.
 */

import { WebAssemblyApi, type WasmImportDescriptor, type WasmModule } from './webassembly-api'

export const WASM_PAGE_BYTES = 65_536
export const WASI_MODULE = 'wasi_snapshot_preview1'

/** A module this runtime will not run, with the reason in words. */
export class ModuleRefused extends Error {
  constructor(
    message: string,
    /** `memory`: refused because it needs more memory than the job's cap. */
    readonly kind: 'invalid' | 'memory' = 'invalid',
  ) {
    super(message)
    this.name = 'ModuleRefused'
  }
}

export interface CappedModule {
  bytes: Uint8Array
  /** The pages the memory may grow to after the rewrite; null when the module defines no memory. */
  maxPages: number | null
  /** Whether the cap lowered the module's own maximum (or set one where it had none). */
  capBinds: boolean
}

/** Reads unsigned LEB128 values from `bytes`, advancing `at`. */
class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new ModuleRefused('the module ends in the middle of a section')
    return this.bytes[this.at++]!
  }

  u32(): number {
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte()
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
    }
    throw new ModuleRefused('the module holds a malformed LEB128 number')
  }
}

export function encodeU32(value: number): number[] {
  const out: number[] = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value !== 0) byte |= 0x80
    out.push(byte)
  } while (value !== 0)
  return out
}

/**
 * Sets the maximum of the module's one memory to min(declared, capPages). Refuses modules that import
 * memory (a WASI module defines its own), define several memories, share memory or address it with 64 bits,
 * and (as `memory`) ones whose memory starts above the cap.
 */
export function capModuleMemory(bytes: Uint8Array, capPages: number): CappedModule {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b))
    throw new ModuleRefused('the code is not a WebAssembly 1.0 binary module (no \\0asm version 1 header)')
  const reader = new Reader(bytes, 8)
  const parts: Uint8Array[] = [bytes.subarray(0, 8)]
  let capped: Omit<CappedModule, 'bytes'> = { maxPages: null, capBinds: false }
  while (reader.at < bytes.length) {
    const start = reader.at
    const id = reader.byte()
    const size = reader.u32()
    const end = reader.at + size
    if (end > bytes.length) throw new ModuleRefused(`section ${id} runs past the end of the module`)
    if (id === 5) {
      const rewritten = capMemorySection(new Reader(bytes.subarray(0, end), reader.at), capPages)
      capped = rewritten
      parts.push(Uint8Array.of(5, ...encodeU32(rewritten.content.length)), rewritten.content)
    } else {
      parts.push(bytes.subarray(start, end))
    }
    reader.at = end
  }
  return { bytes: concat(parts), ...capped }
}

function capMemorySection(
  reader: Reader,
  capPages: number,
): { content: Uint8Array; maxPages: number | null; capBinds: boolean } {
  const count = reader.u32()
  if (count === 0) return { content: Uint8Array.of(0), maxPages: null, capBinds: false }
  if (count > 1) throw new ModuleRefused(`the module defines ${count} memories; one is allowed`)
  const flags = reader.byte()
  if (flags > 1)
    throw new ModuleRefused(
      'the module’s memory is shared or 64-bit; a WASI job has one private 32-bit memory',
    )
  const min = reader.u32()
  const declaredMax = flags === 1 ? reader.u32() : null
  if (min > capPages)
    throw new ModuleRefused(
      `the module starts with ${pagesMiB(min)} of memory, above the job’s cap of ${pagesMiB(capPages)}`,
      'memory',
    )
  const maxPages = Math.min(declaredMax ?? capPages, capPages)
  const content = Uint8Array.of(1, 1, ...encodeU32(min), ...encodeU32(maxPages))
  return { content, maxPages, capBinds: declaredMax == null || declaredMax > capPages }
}

/** Refuses imports outside WASI preview 1 and a memory import (checked on the compiled module). */
export function checkImports(module: WasmModule): WasmImportDescriptor[] {
  const imports = WebAssemblyApi.Module.imports(module)
  const foreign = imports.filter((i) => i.module !== WASI_MODULE || i.kind !== 'function')
  if (foreign.length > 0)
    throw new ModuleRefused(
      `the module imports ${foreign.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ')}; ` +
        `a WASI job may import only functions of ${WASI_MODULE}`,
    )
  return imports
}

const pagesMiB = (pages: number): string => `${((pages * WASM_PAGE_BYTES) / 2 ** 20).toFixed(1)} MiB`

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
