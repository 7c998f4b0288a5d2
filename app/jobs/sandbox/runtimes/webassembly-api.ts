/**
 * The part of the WebAssembly JavaScript API the WASI runtime uses, typed: the node's TypeScript library
 * (lib ES2023 with @types/node, no DOM) declares none of it. The object is V8's own global.
 */
export interface WasmModule {
  readonly __brand: 'WebAssembly.Module'
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>
}
export interface WasmImportDescriptor {
  module: string
  name: string
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag'
}
export type WasmImports = Record<string, Record<string, unknown>>

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmModule>
  instantiate(module: WasmModule, imports: WasmImports): Promise<WasmInstance>
  Module: { imports(module: WasmModule): WasmImportDescriptor[] }
  Memory: abstract new (...args: never[]) => WasmMemory
  RuntimeError: abstract new (...args: never[]) => Error
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
