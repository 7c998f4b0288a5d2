import { describe, expect, it } from 'vitest'
import { RSA_2048, evaluateVdf, isProbablePrime, verifyVdf } from './vdf'

describe('Wesolowski VDF over RSA-2048', () => {
  const proof = evaluateVdf('anchor:a', 200)

  it('uses the 2048-bit challenge modulus, free of small factors', () => {
    expect(RSA_2048.toString(2)).toHaveLength(2048)
    for (let p = 2n; p < 10_000n; p++) expect(RSA_2048 % p).not.toBe(0n)
  })

  it('verifies its own output and proof', () => {
    expect(verifyVdf('anchor:a', 200, proof)).toBe(true)
  })

  it('refuses another seed, another number of squarings, and tampered outputs or proofs', () => {
    expect(verifyVdf('anchor:b', 200, proof)).toBe(false)
    expect(verifyVdf('anchor:a', 199, proof)).toBe(false)
    const flip = (hex: string): string => hex.replace(/.$/, (c) => (c === '1' ? '2' : '1'))
    expect(verifyVdf('anchor:a', 200, { ...proof, y: flip(proof.y) })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { ...proof, pi: flip(proof.pi) })).toBe(false)
  })

  it('refuses the negated output (the order-two element −1) and malformed hex', () => {
    const negated = (RSA_2048 - BigInt(`0x${proof.y}`)).toString(16)
    const negatedPi = (RSA_2048 - BigInt(`0x${proof.pi}`)).toString(16)
    expect(verifyVdf('anchor:a', 200, { y: negated, pi: negatedPi })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { y: 'zz', pi: proof.pi })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { y: '0', pi: proof.pi })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { y: 'f'.repeat(600), pi: proof.pi })).toBe(false)
  })

  it('refuses an output or proof spelled with leading zeros or in upper case (one spelling per number)', () => {
    expect(verifyVdf('anchor:a', 200, { ...proof, y: `0${proof.y}` })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { ...proof, pi: `00${proof.pi}` })).toBe(false)
    expect(verifyVdf('anchor:a', 200, { ...proof, y: proof.y.toUpperCase() })).toBe(false)
    expect(verifyVdf('anchor:a', 200, proof)).toBe(true)
  })

  it('tells primes from composites, Carmichael numbers included', () => {
    expect(isProbablePrime(2n ** 127n - 1n)).toBe(true)
    expect(isProbablePrime(561n)).toBe(false)
    expect(isProbablePrime(3215031751n)).toBe(false) // strong pseudoprime to bases 2, 3, 5 and 7
    expect(isProbablePrime((2n ** 61n - 1n) * (2n ** 67n - 1n))).toBe(false)
  })
})
