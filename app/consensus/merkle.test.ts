import { describe, expect, it } from 'vitest'
import { bytesToHex } from './codec'
import { inclusionProof, leafHash, merkleRoot, verifyInclusionProof } from './merkle'

const leaves = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new Uint8Array([i, i * 7]))

describe('RFC 6962 Merkle trees', () => {
  it('hashes the empty tree and a one-leaf tree as the RFC says', () => {
    expect(bytesToHex(merkleRoot([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    // MTH({""}) = SHA-256(0x00)
    expect(bytesToHex(merkleRoot([new Uint8Array(0)]))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    )
  })

  it('proves every leaf of trees of 1 to 33 leaves', () => {
    for (let n = 1; n <= 33; n++) {
      const hashes = leaves(n).map(leafHash)
      const root = merkleRoot(leaves(n))
      for (let i = 0; i < n; i++)
        expect(verifyInclusionProof(hashes[i]!, i, n, inclusionProof(hashes, i), root)).toBe(true)
    }
  })

  it('refuses a proof for another leaf, index, size or root, and a truncated or padded path', () => {
    const n = 13
    const hashes = leaves(n).map(leafHash)
    const root = merkleRoot(leaves(n))
    const path = inclusionProof(hashes, 5)
    expect(verifyInclusionProof(hashes[6]!, 5, n, path, root)).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, 4, n, path, root)).toBe(false)
    // A size whose tree shape needs a longer path (a size with the same shape is bound by the signed root).
    expect(verifyInclusionProof(hashes[5]!, 5, n * 4, path, root)).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, 5, n, path, merkleRoot(leaves(n + 1)))).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, 5, n, path.slice(1), root)).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, 5, n, [...path, path[0]!], root)).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, n, n, path, root)).toBe(false)
    expect(verifyInclusionProof(hashes[5]!, -1, n, path, root)).toBe(false)
  })

  it('keeps a leaf from passing as an inner node (domain separation)', () => {
    const two = leaves(2)
    const inner = merkleRoot(two)
    expect(bytesToHex(merkleRoot([inner]))).not.toBe(bytesToHex(inner))
  })
})
