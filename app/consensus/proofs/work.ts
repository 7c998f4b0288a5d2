/**
 * PoWork for blocks and asset records: a nonce such that SHA-256(subject‖nonce) starts with `difficulty`
 * zero bits. It proves about 2^difficulty hash evaluations were spent on this exact subject; the job system
 * will attach receipts for real computation later (docs/consensus.md).
 */
import { createHash } from 'node:crypto'

export function workHash(input: string, nonce: number): Buffer {
  return createHash('sha256').update('hypermesh/work/v1\0').update(input).update(`\0${nonce}`).digest()
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

/** Searches nonces from 0; gives up (throws) after 2^(difficulty+8) tries, which a correct search never needs. */
export function solveWork(input: string, difficultyBits: number): number {
  const limit = 2 ** (difficultyBits + 8)
  for (let nonce = 0; nonce < limit; nonce++) {
    if (leadingZeroBits(workHash(input, nonce)) >= difficultyBits) return nonce
  }
  throw new Error(`no work nonce found in ${limit} tries`)
}

export const verifyWork = (input: string, nonce: number, difficultyBits: number): boolean =>
  Number.isSafeInteger(nonce) && nonce >= 0 && leadingZeroBits(workHash(input, nonce)) >= difficultyBits
