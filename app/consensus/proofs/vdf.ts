/**
 * PoTime's verifiable delay function: Wesolowski's construction ("Efficient verifiable delay functions",
 * EUROCRYPT 2019) in the RSA group of the RSA-2048 factoring challenge, whose factors nobody has published.
 *
 * Eval: y = g^(2^T) by T sequential squarings. Proof: π = g^⌊2^T/ℓ⌋ for a 128-bit prime ℓ hashed from
 * (g, y, T). Verify: r = 2^T mod ℓ, then π^ℓ · g^r = y, which costs two short exponentiations instead of T.
 * Elements are taken up to sign (x ~ N−x), the usual fix for the known element −1 of order two, which would
 * otherwise let anyone turn one valid (y, π) into a second one.
 */
import { createHash } from 'node:crypto'
import type { VerificationCache } from '../verification-cache'

/** RSA-2048 from the RSA Factoring Challenge (617 digits); its factorisation is unknown. */
export const RSA_2048 = BigInt(
  '25195908475657893494027183240048398571429282126204032027777137836043662020707595556264018525880784406918290641249515082189298559149176184502808489120072844992687392807287776735971418347270261896375014971824691165077613379859095700097330459748808428401797429100642458691817195118746121515172654632282216869987549182422433637259085141865462043576798423387184774447920739934236584823824281198163815010674810451660377306056201619676256133844143603833904414952634432190114657544454178424020924616515723350778707749817125772467962926386356373289912154831438167899885040445364023527381951378636564391212010397122822120720357',
)

export interface VdfProof {
  /** Output and proof, each as lowercase hex of the canonical (≤ N/2) representative. */
  readonly y: string
  readonly pi: string
}

const N = RSA_2048
const HALF_N = N / 2n

const canonical = (x: bigint): bigint => {
  const r = ((x % N) + N) % N
  return r > HALF_N ? N - r : r
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
    e >>= 1n
  }
  return result
}

/** The group element for an input: a hash expanded to 2048 bits, squared so that it is a quadratic residue. */
export function vdfInput(seed: string): bigint {
  let hex = ''
  for (let i = 0; hex.length < 520; i++)
    hex += createHash('sha256').update(`hypermesh/vdf/v1\0${seed}\0${i}`).digest('hex')
  const x = BigInt(`0x${hex}`) % N
  return canonical((x * x) % N)
}

const SMALL_PRIMES = [
  2n,
  3n,
  5n,
  7n,
  11n,
  13n,
  17n,
  19n,
  23n,
  29n,
  31n,
  37n,
  41n,
  43n,
  47n,
  53n,
  59n,
  61n,
  67n,
  71n,
]

/** Miller–Rabin with 20 fixed prime bases: for the 128-bit hash outputs used here, an error needs a
 * composite that is a strong pseudoprime to all twenty at once, and the hash gives no way to aim for one. */
export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false
  for (const p of SMALL_PRIMES) {
    if (n === p) return true
    if (n % p === 0n) return false
  }
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) {
    d >>= 1n
    s++
  }
  outer: for (const a of SMALL_PRIMES) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    for (let i = 1; i < s; i++) {
      x = (x * x) % n
      if (x === n - 1n) continue outer
    }
    return false
  }
  return true
}

/** ℓ: the first prime at or above a 128-bit hash of (g, y, T), top bit set. */
export function challengePrime(g: bigint, y: bigint, squarings: number): bigint {
  const digest = createHash('sha256').update(
    `hypermesh/vdf-prime/v1\0${g.toString(16)}\0${y.toString(16)}\0${squarings}`,
  )
  let l = BigInt(`0x${digest.digest('hex').slice(0, 32)}`) | (1n << 127n) | 1n
  while (!isProbablePrime(l)) l += 2n
  return l
}

/** Computes y = g^(2^T) and the Wesolowski proof. Costs about 2·T modular squarings. */
export function evaluateVdf(seed: string, squarings: number): VdfProof {
  const g = vdfInput(seed)
  let y = g
  for (let i = 0; i < squarings; i++) y = (y * y) % N
  y = canonical(y)
  const l = challengePrime(g, y, squarings)
  // π = g^⌊2^T/ℓ⌋ by long division of 2^T by ℓ, one bit of the quotient per step (the paper's §4.1).
  let pi = 1n
  let r = 1n
  for (let i = 0; i < squarings; i++) {
    const twice = 2n * r
    const bit = twice >= l ? 1n : 0n
    r = twice - bit * l
    pi = (pi * pi) % N
    if (bit === 1n) pi = (pi * g) % N
  }
  return { y: y.toString(16), pi: canonical(pi).toString(16) }
}

/**
 * Checks a VDF proof for the seed and T; false for anything malformed, out of range or wrong. With a
 * cache, a proof that verified is remembered: a block's proof is checked at prevote and again at commit.
 */
export function verifyVdf(
  seed: string,
  squarings: number,
  proof: VdfProof,
  cache?: Pick<VerificationCache, 'vdfProofs'>,
): boolean {
  const key = `${seed}|${squarings}|${proof.y}|${proof.pi}`
  if (cache?.vdfProofs.has(key) === true) return true
  const ok = checkVdf(seed, squarings, proof)
  if (ok) cache?.vdfProofs.set(key, true)
  return ok
}

const MINIMAL_HEX = /^[1-9a-f][0-9a-f]{0,511}$/

function checkVdf(seed: string, squarings: number, proof: VdfProof): boolean {
  // Minimal lowercase hex only: "0ab" and "ab" are one number, and each output must have one spelling.
  if (!MINIMAL_HEX.test(proof.y) || !MINIMAL_HEX.test(proof.pi)) return false
  const y = BigInt(`0x${proof.y}`)
  const pi = BigInt(`0x${proof.pi}`)
  // Only canonical representatives in (0, N/2] are accepted, so each output has exactly one encoding.
  if (y === 0n || pi === 0n || y > HALF_N || pi > HALF_N) return false
  const g = vdfInput(seed)
  const l = challengePrime(g, y, squarings)
  const r = modPow(2n, BigInt(squarings), l)
  return canonical(modPow(pi, l, N) * modPow(g, r, N)) === y
}
