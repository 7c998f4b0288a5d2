/**
 * WebAssembly with WASI in the sandbox process: the compliance suite (test/support/sandbox-compliance.ts)
 * with programs written in WAT and compiled by wabt, then what is particular to this runtime (imports
 * refused, the memory cap rewritten into the module, ENOSYS for the rest of WASI, the CPU share of a group,
 * the prime sieve example).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import wabtInit from 'wabt'
import { describe, expect, it } from 'vitest'
import { primeSieveWasm } from '../app/jobs/examples'
import { PRIMES_WASM_BASE64 } from '../app/jobs/examples/primes-wasm'
import { capModuleMemory, type ModuleRefused } from '../app/jobs/sandbox/runtimes/wasm-module'
import { describeSandboxCompliance, sandboxFixture, type SandboxProgram } from './support/sandbox-compliance'
import { root } from './support/daemon'

const wabt = await wabtInit()
const wat = (source: string): Uint8Array => {
  const module = wabt.parseWat('program.wat', source, { bulk_memory: true })
  module.validate()
  return module.toBinary({}).buffer
}

const WASI = (name: string, params: string, result = '(result i32)'): string =>
  `(import "wasi_snapshot_preview1" "${name}" (func $${name} (param ${params}) ${result}))`

/** Imports and helpers every program shares: $write(fd, ptr, len), $print_u64(n), $print_hex(ptr, len). */
const PRELUDE = `
  ${WASI('fd_write', 'i32 i32 i32 i32')}
  ${WASI('fd_read', 'i32 i32 i32 i32')}
  ${WASI('clock_time_get', 'i32 i64 i32')}
  ${WASI('random_get', 'i32 i32')}
  ${WASI('environ_sizes_get', 'i32 i32')}
  ${WASI('path_open', 'i32 i32 i32 i32 i32 i64 i64 i32 i32')}
  ${WASI('sock_send', 'i32 i32 i32 i32 i32')}
  (memory (export "memory") 2)
  (data (i32.const 64) "hello escaped /etc/passwd /bin/sh tick\\n 0123456789abcdef")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $print_u64 (param $n i64)
    (local $p i32)
    (local.set $p (i32.const 60))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i64.store8 (local.get $p) (i64.add (i64.const 48) (i64.rem_u (local.get $n) (i64.const 10))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (call $write (i32.const 1) (local.get $p) (i32.sub (i32.const 60) (local.get $p))))
  (func $space (call $write (i32.const 1) (i32.const 69) (i32.const 1)))
  (func $print_hex (param $ptr i32) (param $len i32)
    (local $b i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $len)))
      (local.set $b (i32.load8_u (local.get $ptr)))
      (call $write (i32.const 1) (i32.add (i32.const 104) (i32.shr_u (local.get $b) (i32.const 4))) (i32.const 1))
      (call $write (i32.const 1) (i32.add (i32.const 104) (i32.and (local.get $b) (i32.const 15))) (i32.const 1))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (local.set $len (i32.sub (local.get $len) (i32.const 1)))
      (br $next))))
`
const program = (start: string, extra = ''): SandboxProgram => ({
  code: wat(`(module ${PRELUDE} ${extra} (func (export "_start") (local $n i32) (local $i i32) ${start}))`),
})
/** Prints the errno a call returned. */
const printErrno = (call: string): string => `(call $print_u64 (i64.extend_i32_u ${call}))`
const clockMs = `(drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 200)))
  (call $print_u64 (i64.div_u (i64.load (i32.const 200)) (i64.const 1000000)))`

describeSandboxCompliance('wasm-wasi', {
  helloEcho: program(`
    (call $write (i32.const 1) (i32.const 64) (i32.const 6))
    (i32.store (i32.const 100) (i32.const 1024)) (i32.store (i32.const 104) (i32.const 4096))
    (block $eof (loop $more
      (drop (call $fd_read (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 108)))
      (br_if $eof (i32.eqz (i32.load (i32.const 108))))
      (call $write (i32.const 1) (i32.const 1024) (i32.load (i32.const 108)))
      (br $more)))`),
  // No preopened directory: there is no file descriptor to open a path under.
  readFile: program(`
    ${printErrno('(call $path_open (i32.const 3) (i32.const 0) (i32.const 78) (i32.const 11) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 300))')}
    ${printErrno('(call $fd_read (i32.const 3) (i32.const 100) (i32.const 1) (i32.const 108))')}`),
  // WASI preview 1 has no way to name an address; sending on a descriptor that is not there must fail.
  connect: () =>
    program(`
      (i32.store (i32.const 100) (i32.const 70)) (i32.store (i32.const 104) (i32.const 7))
      ${printErrno('(call $sock_send (i32.const 3) (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 108))')}`),
  readEnv: () =>
    program(`${printErrno('(call $environ_sizes_get (i32.const 100) (i32.const 104))')}
    (call $space) (call $print_u64 (i64.extend_i32_u (i32.load (i32.const 100))))`),
  // Nothing in WASI preview 1 starts a process; opening the shell fails like any path.
  subprocess: program(
    printErrno(
      '(call $path_open (i32.const 3) (i32.const 0) (i32.const 90) (i32.const 7) (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 300))',
    ),
  ),
  clockTwice: program(`${clockMs} (call $space) ${clockMs}`),
  infiniteLoop: program('(loop $forever (br $forever))'),
  memoryBomb: program(`(loop $grow
    (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))
    (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 1))
    (br $grow))`),
  printBytes: (count) =>
    program(`(memory.fill (i32.const 1024) (i32.const 120) (i32.const 4096))
      (local.set $n (i32.const ${count}))
      (block $done (loop $more
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $i (select (i32.const 4096) (local.get $n) (i32.gt_u (local.get $n) (i32.const 4096))))
        (call $write (i32.const 1) (i32.const 1024) (local.get $i))
        (local.set $n (i32.sub (local.get $n) (local.get $i)))
        (br $more)))`),
  crash: program('unreachable'),
  randomAndClock: program(`(drop (call $random_get (i32.const 1024) (i32.const 32)))
    (call $print_hex (i32.const 1024) (i32.const 32)) (call $space) ${clockMs}`),
  ticking: program(`(loop $forever
    (local.set $i (i32.const 0))
    (loop $spin
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.lt_u (local.get $i) (i32.const 5000000))))
    (call $write (i32.const 2) (i32.const 98) (i32.const 5))
    (br $forever))`),
})

describe('the wasm-wasi runtime', () => {
  const sandbox = sandboxFixture('wasm-wasi')
  const MiB = 1024 * 1024

  it('refuses a module that imports anything outside wasi_snapshot_preview1, naming it', async () => {
    const code = wat(`(module (import "env" "open" (func (param i32) (result i32)))
      (memory (export "memory") 1) (func (export "_start")))`)
    const result = await sandbox.run({ code })
    expect(result.status).toBe('error')
    expect(result.error).toMatch(
      /imports env\.open \(function\); a WASI job may import only functions of wasi_snapshot_preview1/,
    )
  })

  it('refuses code that is not a WebAssembly module, and one without _start', async () => {
    const garbage = await sandbox.run({ code: new TextEncoder().encode('print("hi")') })
    expect(garbage.status).toBe('error')
    expect(garbage.error).toMatch(/not a WebAssembly 1\.0 binary module/)
    const noStart = await sandbox.run({ code: wat('(module (memory (export "memory") 1))') })
    expect(noStart.error).toMatch(/does not export `_start`/)
  })

  it('answers ENOSYS (52) to the WASI functions it does not offer', async () => {
    const code = wat(`(module ${WASI('fd_readdir', 'i32 i32 i32 i64 i32')} ${PRELUDE}
      (func (export "_start") ${printErrno('(call $fd_readdir (i32.const 3) (i32.const 0) (i32.const 0) (i64.const 0) (i32.const 0))')}))`)
    const result = await sandbox.run({ code })
    expect(Buffer.from(result.output).toString()).toBe('52')
  })

  it('caps memory by rewriting the module: memory.grow fails at the cap, declared maximum or not', async () => {
    const grower = (limits: string): SandboxProgram => ({
      code: wat(`(module ${PRELUDE.replace('(memory (export "memory") 2)', `(memory (export "memory") ${limits})`)}
        (func (export "_start") (block $full (loop $grow
          (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $grow)))
          (call $print_u64 (i64.extend_i32_u (memory.size)))))`),
    })
    const capped = await sandbox.run(grower('2 1000'), { limits: { memoryBytes: 32 * MiB } })
    expect(Buffer.from(capped.output).toString()).toBe('512')
    const unbounded = await sandbox.run(grower('2'), { limits: { memoryBytes: 16 * MiB } })
    expect(Buffer.from(unbounded.output).toString()).toBe('256')
    const ownMax = await sandbox.run(grower('2 40'), { limits: { memoryBytes: 32 * MiB } })
    expect(Buffer.from(ownMax.output).toString()).toBe('40')
  })

  it('refuses, as memory, a module whose memory starts above the cap; and multiple or shared memories', () => {
    expect(() => capModuleMemory(wat('(module (memory 600))'), 512)).toThrow(
      /starts with 37\.5 MiB of memory, above the job’s cap of 32\.0 MiB/,
    )
    try {
      capModuleMemory(wat('(module (memory 600))'), 512)
    } catch (err) {
      expect((err as ModuleRefused).kind).toBe('memory')
    }
    const rewritten = capModuleMemory(wat('(module (memory 1 60000))'), 512)
    expect(rewritten).toMatchObject({ maxPages: 512, capBinds: true })
  })

  it('holds a job in a 25 % group to 25 ± 5 % of one core while it runs', async () => {
    const group = await sandbox.group({ cpuCores: 0.25 })
    const result = await sandbox.run(
      { code: wat('(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))') },
      { group, limits: { wallMs: 6000 } },
    )
    expect(result.status).toBe('timeout')
    const share = result.cpuMillis / result.wallMs
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.3)
  }, 30_000)

  it('runs the prime sieve example: the primes below N from its argument or its input', async () => {
    const code = primeSieveWasm()
    const fromArgs = await sandbox.run({ code, args: ['30'] })
    expect(fromArgs.status).toBe('ok')
    expect(Buffer.from(fromArgs.output).toString()).toBe('2\n3\n5\n7\n11\n13\n17\n19\n23\n29\n')
    const fromInput = await sandbox.run(
      { code },
      { input: new TextEncoder().encode('1000000\n'), limits: { outputBytes: 1024 * 1024 } },
    )
    expect(fromInput.status).toBe('ok')
    const primes = Buffer.from(fromInput.output).toString().trim().split('\n')
    expect(primes).toHaveLength(78_498)
    expect(primes.at(-1)).toBe('999983')
  })

  it('ships the prime sieve bytes that primes.wat compiles to', () => {
    const source = readFileSync(join(root, 'app/jobs/examples/primes.wat'), 'utf8')
    const fresh = Buffer.from(wat(source)).toString('base64')
    expect(fresh, `update app/jobs/examples/primes-wasm.ts to:\n${fresh}`).toBe(PRIMES_WASM_BASE64)
  })
})
