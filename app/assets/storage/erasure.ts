/**
 * Reed-Solomon erasure coding over GF(2^8): k data shards and n − k parity shards, any k of which rebuild
 * the data. Systematic Cauchy construction: the generator is the identity over a Cauchy matrix
 * (1 / (x_i + y_j), all x and y distinct), every square submatrix of which is invertible, so any k rows of
 * the generator are too. Decoding inverts the k rows of the shards that came back.
 *
 * Written here because the npm packages that decode were found wanting: the WebAssembly build of the Rust
 * `reed-solomon-erasure` crate (@digitaldefiance/reed-solomon-erasure.wasm 1.0.2) fails to rebuild from
 * some k-of-n sets (data 0 and 2 with the second parity shard, of 3 + 2), and the others encode only or are
 * native addons. erasure.test.ts checks every k-subset for several shapes.
 */

export class ErasureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ErasureError'
  }
}

// GF(2^8) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d).
const EXP = new Uint8Array(512)
const LOG = new Uint8Array(256)
{
  let x = 1
  for (let i = 0; i < 255; i++) {
    EXP[i] = x
    LOG[x] = i
    x <<= 1
    if (x & 0x100) x ^= 0x11d
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!
}
const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!)
const inv = (a: number): number => {
  if (a === 0) throw new ErasureError('division by zero in GF(256)')
  return EXP[255 - LOG[a]!]!
}

/** Row `row` of the generator for k data shards: identity for data rows, Cauchy for parity rows. */
function generatorRow(row: number, k: number): Uint8Array {
  const out = new Uint8Array(k)
  if (row < k) out[row] = 1
  else for (let j = 0; j < k; j++) out[j] = inv((row ^ j) & 0xff) // x = row (k…n−1), y = j (0…k−1): distinct
  return out
}

/** out ^= coefficient × input, byte by byte. */
function addScaled(out: Uint8Array, input: Uint8Array, coefficient: number): void {
  if (coefficient === 0) return
  const logC = LOG[coefficient]!
  for (let i = 0; i < out.length; i++) {
    const v = input[i]!
    if (v !== 0) out[i]! ^= EXP[LOG[v]! + logC]!
  }
}

export function checkShape(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || n <= k || n > 255)
    throw new ErasureError(`k of n needs 1 ≤ k < n ≤ 255, not ${k} of ${n}`)
}

/** Splits `data` into k shards of equal size (the last padded with zeros) and adds n − k parity shards. */
export function encodeShards(
  data: Uint8Array,
  k: number,
  n: number,
): { shards: Uint8Array[]; shardSize: number } {
  checkShape(k, n)
  const shardSize = Math.max(1, Math.ceil(data.length / k))
  const shards = Array.from({ length: n }, (_, i) => {
    const shard = new Uint8Array(shardSize)
    if (i < k) shard.set(data.subarray(i * shardSize, (i + 1) * shardSize))
    return shard
  })
  for (let row = k; row < n; row++) {
    const coefficients = generatorRow(row, k)
    for (let j = 0; j < k; j++) addScaled(shards[row]!, shards[j]!, coefficients[j]!)
  }
  return { shards, shardSize }
}

/** Rebuilds the k data shards, joined, from any k of the n (missing ones are null). */
export function reconstructData(
  shards: readonly (Uint8Array | null)[],
  k: number,
  shardSize: number,
): Uint8Array {
  const n = shards.length
  checkShape(k, n)
  const present = shards.flatMap((s, i) => (s != null && s.length === shardSize ? [i] : [])).slice(0, k)
  if (present.length < k) throw new ErasureError(`${present.length} of ${n} shards are here; ${k} are needed`)
  const decode = invert(
    present.map((row) => generatorRow(row, k)),
    k,
  )
  const out = new Uint8Array(k * shardSize)
  for (let j = 0; j < k; j++) {
    const target = out.subarray(j * shardSize, (j + 1) * shardSize)
    for (let r = 0; r < k; r++) addScaled(target, shards[present[r]!]!, decode[j]![r]!)
  }
  return out
}

/** Gauss–Jordan inversion of a k × k matrix over GF(256). */
function invert(rows: Uint8Array[], k: number): Uint8Array[] {
  const a = rows.map((r) => Uint8Array.from(r))
  const b = Array.from({ length: k }, (_, i) => generatorRow(i, k))
  for (let col = 0; col < k; col++) {
    const pivot = a.findIndex((r, i) => i >= col && r[col] !== 0)
    if (pivot < 0) throw new ErasureError('the shards that came back do not determine the data')
    ;[a[col], a[pivot]] = [a[pivot]!, a[col]!]
    ;[b[col], b[pivot]] = [b[pivot]!, b[col]!]
    const scale = inv(a[col]![col]!)
    for (let j = 0; j < k; j++) {
      a[col]![j] = mul(a[col]![j]!, scale)
      b[col]![j] = mul(b[col]![j]!, scale)
    }
    for (let i = 0; i < k; i++) {
      const factor = a[i]![col]!
      if (i === col || factor === 0) continue
      for (let j = 0; j < k; j++) {
        a[i]![j]! ^= mul(factor, a[col]![j]!)
        b[i]![j]! ^= mul(factor, b[col]![j]!)
      }
    }
  }
  return b
}
