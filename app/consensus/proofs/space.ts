/**
 * PoSpace: a plot of 2^k labels, each costly to compute (label_i = SHA-256 iterated `iterations` times over
 * the owner's key and i), committed to by the Merkle root of its labels. A challenge c, drawn from a recent
 * block hash and the PoTime output, asks for `m` indices whose label satisfies SHA-256(c‖label) < target,
 * where the target lets about 4m of the 2^k labels qualify. A prover that keeps the plot scans 2^k cheap
 * hashes; one that dropped it must recompute all 2^k·iterations label hashes for every challenge. The
 * verifier recomputes only the m answered labels and checks their Merkle paths against the commitment.
 *
 * The design follows Spacemesh's post-rs (labels, proofs as indices meeting a difficulty); HyperMesh uses
 * iterated SHA-256 instead of scrypt labels, so the time–space trade-off is weaker: see docs/consensus.md.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { bytesToHex, hexToBytes } from '../codec'
import { equalBytes, leafHash, nodeHash } from '../merkle'
import { HashText, type ProofParams, type SpaceCommitment } from '../params'

export const SpaceAnswer = z
  .object({
    index: z.number().int().min(0),
    label: HashText,
    path: z.array(HashText).max(30),
  })
  .strict()
export type SpaceAnswer = z.infer<typeof SpaceAnswer>

/** Labels expected to qualify per answer needed: 4m of the plot's labels meet the target on average. */
const EXPECTED_FACTOR = 4n

export function computeLabel(ownerKeyHash: Uint8Array, index: number, iterations: number): Uint8Array {
  const seed = Buffer.alloc(4)
  seed.writeUInt32BE(index)
  let label = createHash('sha256').update('hypermesh/plot/v1\0').update(ownerKeyHash).update(seed).digest()
  for (let i = 1; i < iterations; i++) label = createHash('sha256').update(label).digest()
  return new Uint8Array(label)
}

/** Plot owner: SHA-256 of the public key that signs its proofs, so a plot cannot be lent to another key. */
export const plotOwner = (publicKey: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update('hypermesh/plot-owner/v1\0').update(publicKey).digest())

/** A plot held in memory with every level of its Merkle tree, so answering costs no recomputation. */
export class Plot {
  private constructor(
    readonly leavesLog2: number,
    /** levels[0] are leaf hashes, the last level is the root. */
    private readonly levels: Uint8Array[][],
    private readonly labels: Uint8Array[],
  ) {}

  static generate(owner: Uint8Array, leavesLog2: number, iterations: number): Plot {
    const labels = Array.from({ length: 2 ** leavesLog2 }, (_, i) => computeLabel(owner, i, iterations))
    return Plot.fromLabels(labels, leavesLog2)
  }

  static fromLabels(labels: Uint8Array[], leavesLog2: number): Plot {
    if (labels.length !== 2 ** leavesLog2)
      throw new Error(`a plot of 2^${leavesLog2} needs ${2 ** leavesLog2} labels`)
    const levels: Uint8Array[][] = [labels.map(leafHash)]
    while (levels[levels.length - 1]!.length > 1) {
      const below = levels[levels.length - 1]!
      const up: Uint8Array[] = []
      for (let i = 0; i < below.length; i += 2) up.push(nodeHash(below[i]!, below[i + 1]!))
      levels.push(up)
    }
    return new Plot(leavesLog2, levels, labels)
  }

  get commitment(): SpaceCommitment {
    return { root: bytesToHex(this.levels[this.levels.length - 1]![0]!), leavesLog2: this.leavesLog2 }
  }

  /** The label at `index` (for storing the plot). */
  label(index: number): Uint8Array {
    const label = this.labels[index]
    if (label == null) throw new RangeError(`no label ${index} in a plot of 2^${this.leavesLog2}`)
    return label
  }

  answer(index: number): SpaceAnswer {
    const path: string[] = []
    let i = index
    for (let level = 0; level < this.levels.length - 1; level++) {
      path.push(bytesToHex(this.levels[level]![i ^ 1]!))
      i >>= 1
    }
    return { index, label: bytesToHex(this.labels[index]!), path }
  }

  /**
   * The first m qualifying indices for a challenge. When too few labels qualify (rare for real plot sizes,
   * common for tiny test plots) the prover moves to the next attempt's challenge; at most MAX_ATTEMPTS.
   */
  prove(challenge: string, m: number): { attempt: number; answers: SpaceAnswer[] } | null {
    const target = qualifyingTarget(this.leavesLog2, m)
    for (let attempt = 0; attempt < MAX_SPACE_ATTEMPTS; attempt++) {
      const c = attemptChallenge(challenge, attempt)
      const answers: SpaceAnswer[] = []
      for (let i = 0; i < this.labels.length && answers.length < m; i++) {
        if (qualifies(c, this.labels[i]!, target)) answers.push(this.answer(i))
      }
      if (answers.length === m) return { attempt, answers }
    }
    return null
  }
}

/** Attempts a prover may take. Choosing among 8 challenges is worth at most 3 bits to a cheating prover. */
export const MAX_SPACE_ATTEMPTS = 8

const attemptChallenge = (challenge: string, attempt: number): string =>
  attempt === 0 ? challenge : `${challenge}/${attempt}`

function qualifyingTarget(leavesLog2: number, m: number): bigint {
  // P(qualify) = 4m / 2^k, as a threshold on a 256-bit hash.
  return ((1n << 256n) * EXPECTED_FACTOR * BigInt(m)) >> BigInt(leavesLog2)
}

function qualifies(challenge: string, label: Uint8Array, target: bigint): boolean {
  const h = createHash('sha256')
    .update('hypermesh/space-challenge/v1\0')
    .update(challenge)
    .update(label)
    .digest('hex')
  return BigInt(`0x${h}`) < target
}

/**
 * Checks m answers against a commitment: distinct indices in range, each label recomputed from the owner's
 * key, each meeting the challenge's target, each path leading to the committed root. Returns null when valid,
 * else why not.
 */
export function verifySpaceAnswers(
  answers: readonly SpaceAnswer[],
  attempt: number,
  baseChallenge: string,
  commitment: SpaceCommitment,
  owner: Uint8Array,
  params: Pick<ProofParams, 'spaceLeavesLog2' | 'spaceLabelIterations' | 'spaceChallenges'>,
): string | null {
  if (commitment.leavesLog2 !== params.spaceLeavesLog2)
    return `plot has 2^${commitment.leavesLog2} labels; this network requires 2^${params.spaceLeavesLog2}`
  if (answers.length !== params.spaceChallenges)
    return `${answers.length} space answers; the network requires ${params.spaceChallenges}`
  if (!Number.isInteger(attempt) || attempt < 0 || attempt >= MAX_SPACE_ATTEMPTS)
    return `space attempt ${attempt} is outside 0–${MAX_SPACE_ATTEMPTS - 1}`
  const challenge = attemptChallenge(baseChallenge, attempt)
  const target = qualifyingTarget(commitment.leavesLog2, params.spaceChallenges)
  const root = hexToBytes(commitment.root)
  const seen = new Set<number>()
  for (const answer of answers) {
    if (answer.index >= 2 ** commitment.leavesLog2 || seen.has(answer.index))
      return `space answer index ${answer.index} is out of range or repeated`
    seen.add(answer.index)
    if (answer.path.length !== commitment.leavesLog2)
      return `space answer ${answer.index} has a path of the wrong length`
    const label = computeLabel(owner, answer.index, params.spaceLabelIterations)
    if (bytesToHex(label) !== answer.label) return `space label ${answer.index} is not the owner's label`
    if (!qualifies(challenge, label, target)) return `space label ${answer.index} does not meet the challenge`
    let node = leafHash(label)
    let i = answer.index
    for (const sibling of answer.path) {
      const s = hexToBytes(sibling)
      node = i & 1 ? nodeHash(s, node) : nodeHash(node, s)
      i >>= 1
    }
    if (!equalBytes(node, root)) return `space answer ${answer.index} does not lead to the committed plot`
  }
  return null
}
