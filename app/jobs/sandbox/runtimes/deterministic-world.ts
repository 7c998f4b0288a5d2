/**
 * The world a job's code reads while it runs: a virtual clock and a seeded random generator, unless the
 * job's grants give it the real ones (runtime.ts, `RuntimeJob.grants`). Shared by the QuickJS and Pyodide
 * engines.
 *
 * Both engines are Emscripten builds whose WebAssembly reads time and randomness through the runner
 * process's own JavaScript globals at call time: QuickJS's `Date` through `Date.now()`, Pyodide's
 * `clock_gettime` through `Date.now()` (CLOCK_REALTIME) and `performance.now()` (CLOCK_MONOTONIC), and its
 * `getrandom`/`os.urandom` through `require('crypto').randomFillSync`. So the world is entered by patching
 * those globals for the span of the job's (synchronous) execution and restored afterwards; whatever path the
 * code takes to the clock, it ends in one of them. Host callbacks (output, log) run {@link
 * DeterministicWorld.outside} it, so the runner's own code never reads the virtual clock.
 */
import nodeCrypto from 'node:crypto'
import { chacha20 } from '@noble/ciphers/chacha.js'
import type { RuntimeJob } from '../runtime'

/** The runner's real monotonic clock, captured before any world patches it; deadlines are read with it. */
export const realMonotonicNow: () => number = performance.now.bind(performance)

export type WorldSpec = Pick<RuntimeJob, 'grants' | 'startTimeMs' | 'seed'>

/** A world with a fixed seed and clock, for work that must be the same everywhere but has no job yet. */
export const BOOT_WORLD: WorldSpec = {
  grants: { clock: false, random: false },
  startTimeMs: 0,
  seed: new Uint8Array(32),
}

const KEYSTREAM_CHUNK_BYTES = 4096
const CHACHA_BLOCK_BYTES = 64
const CHACHA_NONCE = new Uint8Array(12)
const TWO_POW_32 = 2 ** 32
const TWO_POW_53 = 2 ** 53

/** ChaCha20 keystream (RFC 8439, zero nonce) keyed by the job's 32-byte seed: the same bytes everywhere. */
export class SeededRandom {
  private chunk = new Uint8Array(0)
  private offset = 0
  private blockCounter = 0

  constructor(private readonly seed: Uint8Array) {
    if (seed.length !== 32) throw new Error(`a job's random seed must be 32 bytes, got ${seed.length}`)
  }

  fill(view: Uint8Array): void {
    let filled = 0
    while (filled < view.length) {
      if (this.offset === this.chunk.length) this.refill()
      const take = Math.min(view.length - filled, this.chunk.length - this.offset)
      view.set(this.chunk.subarray(this.offset, this.offset + take), filled)
      this.offset += take
      filled += take
    }
  }

  /** A double in [0, 1) from 53 random bits, as `Math.random` returns. */
  nextDouble(): number {
    const bytes = new Uint8Array(8)
    this.fill(bytes)
    const view = new DataView(bytes.buffer)
    const high = view.getUint32(0) >>> 11
    return (high * TWO_POW_32 + view.getUint32(4)) / TWO_POW_53
  }

  private refill(): void {
    const blocks = KEYSTREAM_CHUNK_BYTES / CHACHA_BLOCK_BYTES
    if (this.blockCounter + blocks >= TWO_POW_32) throw new Error('the job used up its random stream')
    this.chunk = chacha20(
      this.seed,
      CHACHA_NONCE,
      new Uint8Array(KEYSTREAM_CHUNK_BYTES),
      undefined,
      this.blockCounter,
    )
    this.blockCounter += blocks
    this.offset = 0
  }
}

/** Starts at the job's start time and moves only when read, 1 ms a read. */
export class VirtualClock {
  private reads = 0

  constructor(private readonly startTimeMs: number) {}

  /** Wall-clock milliseconds since the epoch, as `Date.now()` returns. */
  readWallMs(): number {
    return this.startTimeMs + this.reads++
  }

  /** Milliseconds since the job started, as `performance.now()` returns; shares the wall clock's reads. */
  readMonotonicMs(): number {
    return this.reads++
  }
}

interface Patch {
  target: object
  key: PropertyKey
  value: unknown
}

/** Replaces properties of host objects and puts the originals back, own or inherited. */
class HostPatches {
  private saved: { target: object; key: PropertyKey; own: PropertyDescriptor | undefined }[] = []

  constructor(private readonly patches: readonly Patch[]) {}

  apply(): void {
    for (const { target, key, value } of this.patches) {
      this.saved.push({ target, key, own: Object.getOwnPropertyDescriptor(target, key) })
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false })
    }
  }

  restore(): void {
    for (const { target, key, own } of this.saved.reverse()) {
      if (own) Object.defineProperty(target, key, own)
      else Reflect.deleteProperty(target, key)
    }
    this.saved = []
  }
}

export interface DeterministicWorld {
  /** A double in [0, 1): seeded unless the job was granted real randomness. */
  randomDouble(): number
  /** Runs host code (the runner's output and log) with the real clock and randomness. */
  outside<T>(hostCode: () => T): T
  /** Puts the real clock and randomness back; the world cannot be entered again. */
  leave(): void
}

let worldActive = false

/**
 * Patches the process's clock and randomness for one job, until `leave()`. Only one world at a time: the
 * globals are the process's, and a runner process runs one job.
 */
export function enterWorld(spec: WorldSpec): DeterministicWorld {
  if (worldActive) throw new Error('a deterministic world is already entered in this process')
  const random = spec.grants.random ? undefined : new SeededRandom(spec.seed)
  const patches = new HostPatches(worldPatches(spec, random))
  const timezone = spec.grants.clock ? undefined : useUtcTimezone()
  worldActive = true
  patches.apply()
  return {
    randomDouble: () => (random ? random.nextDouble() : Math.random()),
    outside: (hostCode) => {
      patches.restore()
      try {
        return hostCode()
      } finally {
        patches.apply()
      }
    },
    leave: () => {
      if (!worldActive) return
      patches.restore()
      timezone?.restore()
      worldActive = false
    },
  }
}

function worldPatches(spec: WorldSpec, random: SeededRandom | undefined): Patch[] {
  const patches: Patch[] = []
  if (!spec.grants.clock) {
    const clock = new VirtualClock(spec.startTimeMs)
    patches.push({ target: Date, key: 'now', value: () => clock.readWallMs() })
    patches.push({ target: performance, key: 'now', value: () => clock.readMonotonicMs() })
  }
  if (random) {
    const getRandomValues = <T extends ArrayBufferView | null>(view: T): T => {
      if (view) random.fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
      return view
    }
    patches.push({ target: globalThis.crypto, key: 'getRandomValues', value: getRandomValues })
    patches.push({ target: nodeCrypto, key: 'randomFillSync', value: getRandomValues })
    patches.push({ target: Math, key: 'random', value: () => random.nextDouble() })
  }
  return patches
}

/** Local time is UTC inside the world, so `getHours()` or `time.localtime()` is the same on every provider. */
function useUtcTimezone(): { restore(): void } | undefined {
  const previous = process.env.TZ
  if (previous === 'UTC') return undefined
  process.env.TZ = 'UTC'
  return {
    restore: () => {
      if (previous === undefined) delete process.env.TZ
      else process.env.TZ = previous
    },
  }
}
