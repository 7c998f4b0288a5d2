/**
 * A WASI preview 1 host of exactly what a job needs: arguments, an empty environment, stdin (the job's
 * input), stdout (its output) and stderr (its log), the job's clock and randomness, sched_yield and
 * proc_exit. No preopened directories, so no file system; no sockets. Every other WASI function answers
 * ENOSYS. Names and layouts follow the preview 1 witx (wasi_snapshot_preview1).
 */
import type { RuntimeIo, RuntimeJob } from '../runtime'
import type { WasmImportDescriptor, WasmImports, WasmMemory } from './webassembly-api'
import { realMonotonicNow, SeededRandom, VirtualClock } from './deterministic-world'

/** WASI errno values used here. */
const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, NOSYS: 52, SPIPE: 70 } as const
/** __WASI_FILETYPE_CHARACTER_DEVICE: what stdio looks like to wasi-libc. */
const FILETYPE_CHARACTER_DEVICE = 2
const CLOCK_REALTIME = 0
const CLOCK_MONOTONIC = 1
const NS_PER_MS = 1_000_000n

/**
 * The clock the code reads: the shared virtual clock of every runtime (deterministic-world.ts) unless the
 * job is granted the real one.
 */
class WasiClock {
  private readonly virtual: VirtualClock | null

  constructor(job: RuntimeJob) {
    this.virtual = job.grants.clock ? null : new VirtualClock(job.startTimeMs)
  }

  nanoseconds(clock: number): bigint {
    if (this.virtual == null)
      return clock === CLOCK_REALTIME ? BigInt(Date.now()) * NS_PER_MS : process.hrtime.bigint()
    const ms = clock === CLOCK_REALTIME ? this.virtual.readWallMs() : this.virtual.readMonotonicMs()
    return BigInt(Math.trunc(ms)) * NS_PER_MS
  }

  resolution(): bigint {
    return this.virtual == null ? 1_000n : NS_PER_MS
  }
}

/** Randomness: seeded ChaCha20 (deterministic-world.ts) unless granted, then the system's. */
function randomFiller(job: RuntimeJob): (target: Uint8Array) => void {
  if (!job.grants.random) {
    const seeded = new SeededRandom(job.seed)
    return (target) => seeded.fill(target)
  }
  // getRandomValues fills at most 64 KiB a call.
  return (target) => {
    for (let at = 0; at < target.length; at += 65_536)
      crypto.getRandomValues(target.subarray(at, Math.min(target.length, at + 65_536)))
  }
}

/** The code called proc_exit: the run ends with that status. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

/** The run is stopped by the host: its deadline passed, or its output reached the limit. */
export class RunStopped extends Error {
  constructor(readonly why: 'timeout' | 'output-limit') {
    super(why)
  }
}

type WasiFunction = (...args: (number | bigint)[]) => number | undefined

export class WasiHost {
  private memory: WasmMemory | null = null
  private readonly clock: WasiClock
  private readonly fillRandom: (target: Uint8Array) => void
  private readonly argv: Uint8Array[]
  private inputAt = 0
  private readonly decoder = new TextDecoder()

  constructor(
    private readonly job: RuntimeJob,
    private readonly io: RuntimeIo,
  ) {
    this.clock = new WasiClock(job)
    this.fillRandom = randomFiller(job)
    const encoder = new TextEncoder()
    this.argv = ['job', ...job.args].map((arg) => encoder.encode(`${arg}\0`))
  }

  bindMemory(memory: WasmMemory): void {
    this.memory = memory
  }

  /** The functions by name; a name not here gets {@link notImplemented}. */
  functions(): Record<string, WasiFunction> {
    return {
      args_sizes_get: (countPtr, sizePtr) => this.sizes(this.argv, countPtr, sizePtr),
      args_get: (argvPtr, bufPtr) => this.strings(this.argv, argvPtr, bufPtr),
      environ_sizes_get: (countPtr, sizePtr) => this.sizes([], countPtr, sizePtr),
      environ_get: () => ERRNO.SUCCESS,
      fd_write: (fd, iovs, count, writtenPtr) => this.fdWrite(Number(fd), iovs, count, writtenPtr),
      fd_read: (fd, iovs, count, readPtr) => this.fdRead(Number(fd), iovs, count, readPtr),
      fd_close: (fd) => (isStdio(fd) ? ERRNO.SUCCESS : ERRNO.BADF),
      fd_seek: (fd) => (isStdio(fd) ? ERRNO.SPIPE : ERRNO.BADF),
      fd_fdstat_get: (fd, ptr) => this.fdstat(fd, ptr),
      fd_prestat_get: () => ERRNO.BADF,
      fd_prestat_dir_name: () => ERRNO.BADF,
      clock_time_get: (id, _precision, ptr) => this.clockTime(id, ptr),
      clock_res_get: (id, ptr) => this.clockRes(id, ptr),
      random_get: (ptr, length) => {
        this.fillRandom(this.bytes(ptr, length))
        return ERRNO.SUCCESS
      },
      sched_yield: () => ERRNO.SUCCESS,
      proc_exit: (code) => {
        throw new ProcExit(Number(code))
      },
    }
  }

  /** The import object for `module`'s WASI imports (checked to be WASI functions only by the caller). */
  importsFor(imports: readonly WasmImportDescriptor[]): WasmImports {
    const known = this.functions()
    const wasi: Record<string, WasiFunction> = {}
    for (const { name } of imports) {
      const fn = Object.hasOwn(known, name) ? known[name]! : notImplemented
      // Host calls are where a run that ignores its deadline is stopped without killing the process.
      wasi[name] = (...args) => {
        if (realMonotonicNow() > this.job.deadline) throw new RunStopped('timeout')
        return fn(...args)
      }
    }
    return { wasi_snapshot_preview1: wasi }
  }

  private view(): DataView {
    if (this.memory == null) throw new Error('the module exported no memory')
    return new DataView(this.memory.buffer)
  }

  private bytes(ptr: number | bigint, length: number | bigint): Uint8Array {
    if (this.memory == null) throw new Error('the module exported no memory')
    const [at, n] = [Number(ptr) >>> 0, Number(length) >>> 0]
    if (at + n > this.memory.buffer.byteLength) throw new RangeError('a WASI call pointed outside memory')
    return new Uint8Array(this.memory.buffer, at, n)
  }

  private sizes(strings: readonly Uint8Array[], countPtr: number | bigint, sizePtr: number | bigint): number {
    const view = this.view()
    view.setUint32(Number(countPtr), strings.length, true)
    view.setUint32(
      Number(sizePtr),
      strings.reduce((n, s) => n + s.length, 0),
      true,
    )
    return ERRNO.SUCCESS
  }

  private strings(strings: readonly Uint8Array[], listPtr: number | bigint, bufPtr: number | bigint): number {
    let at = Number(bufPtr)
    strings.forEach((s, i) => {
      this.view().setUint32(Number(listPtr) + 4 * i, at, true)
      this.bytes(at, s.length).set(s)
      at += s.length
    })
    return ERRNO.SUCCESS
  }

  /** The (buffer, length) pairs of an iovec array. */
  private iovecs(iovs: number | bigint, count: number | bigint): Uint8Array[] {
    const view = this.view()
    return Array.from({ length: Number(count) }, (_, i) => {
      const entry = Number(iovs) + 8 * i
      return this.bytes(view.getUint32(entry, true), view.getUint32(entry + 4, true))
    })
  }

  private fdWrite(fd: number, iovs: number | bigint, count: number | bigint, writtenPtr: number | bigint) {
    if (fd !== 1 && fd !== 2) return ERRNO.BADF
    let written = 0
    for (const chunk of this.iovecs(iovs, count)) {
      if (fd === 2) this.io.log(this.decoder.decode(chunk))
      else if (!this.io.write(chunk.slice())) throw new RunStopped('output-limit')
      written += chunk.length
    }
    this.view().setUint32(Number(writtenPtr), written, true)
    return ERRNO.SUCCESS
  }

  private fdRead(fd: number, iovs: number | bigint, count: number | bigint, readPtr: number | bigint) {
    if (fd !== 0) return ERRNO.BADF
    let read = 0
    for (const target of this.iovecs(iovs, count)) {
      const part = this.job.input.subarray(this.inputAt, this.inputAt + target.length)
      target.set(part)
      this.inputAt += part.length
      read += part.length
      if (part.length < target.length) break
    }
    this.view().setUint32(Number(readPtr), read, true)
    return ERRNO.SUCCESS
  }

  private fdstat(fd: number | bigint, ptr: number | bigint): number {
    if (!isStdio(fd)) return ERRNO.BADF
    const view = this.view()
    const at = Number(ptr)
    this.bytes(at, 24).fill(0)
    view.setUint8(at, FILETYPE_CHARACTER_DEVICE)
    // Rights: fd_read (bit 1) on stdin, fd_write (bit 6) on stdout and stderr.
    view.setBigUint64(at + 8, Number(fd) === 0 ? 1n << 1n : 1n << 6n, true)
    return ERRNO.SUCCESS
  }

  private clockTime(id: number | bigint, ptr: number | bigint): number {
    const clock = Number(id)
    if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC) return ERRNO.INVAL
    this.view().setBigUint64(Number(ptr), this.clock.nanoseconds(clock), true)
    return ERRNO.SUCCESS
  }

  private clockRes(id: number | bigint, ptr: number | bigint): number {
    const clock = Number(id)
    if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC) return ERRNO.INVAL
    this.view().setBigUint64(Number(ptr), this.clock.resolution(), true)
    return ERRNO.SUCCESS
  }
}

const isStdio = (fd: number | bigint): boolean => Number(fd) >= 0 && Number(fd) <= 2

/** Everything else in preview 1 (files, sockets, polling, signals): not offered. */
const notImplemented: WasiFunction = () => ERRNO.NOSYS
