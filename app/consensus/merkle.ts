/**
 * Merkle trees as RFC 6962 §2.1 defines them: leaf hash SHA-256(0x00 || leaf), node hash
 * SHA-256(0x01 || left || right), and a tree of n leaves split at the largest power of two below n.
 * The 0x00/0x01 prefixes keep a leaf from ever passing as an inner node (second-preimage attacks).
 */
import { createHash } from 'node:crypto'

const LEAF = new Uint8Array([0])
const NODE = new Uint8Array([1])

export const EMPTY_ROOT = new Uint8Array(createHash('sha256').digest())

export function leafHash(leaf: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF).update(leaf).digest())
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(NODE).update(left).update(right).digest())
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function rootOfLeafHashes(hashes: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from
  if (n === 1) return hashes[from] as Uint8Array
  const k = splitPoint(n)
  return nodeHash(rootOfLeafHashes(hashes, from, from + k), rootOfLeafHashes(hashes, from + k, to))
}

/** The Merkle tree hash of the leaves (RFC 6962 MTH); SHA-256 of nothing for an empty list. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT
  return rootOfLeafHashes(leaves.map(leafHash), 0, leaves.length)
}

/** The audit path for leaf `index` (RFC 6962 §2.1.1 PATH), bottom-up. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length)
    throw new RangeError(`leaf ${index} is outside a tree of ${leafHashes.length}`)
  const path: Uint8Array[] = []
  let from = 0
  let to = leafHashes.length
  let m = index
  while (to - from > 1) {
    const k = splitPoint(to - from)
    if (m < k) {
      path.push(rootOfLeafHashes(leafHashes, from + k, to))
      to = from + k
    } else {
      path.push(rootOfLeafHashes(leafHashes, from, from + k))
      from += k
      m -= k
    }
  }
  return path.reverse()
}

/**
 * Checks an audit path (RFC 9162 §2.1.3.2). Refuses an index outside the tree, a path of the wrong length,
 * or one that does not lead to `root`.
 */
export function verifyInclusionProof(
  leafHashValue: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false
  let fn = index
  let sn = treeSize - 1
  let r = leafHashValue
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equalBytes(r, root)
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}
