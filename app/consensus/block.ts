/**
 * Blocks: the header (with its ConsensusProof), the transactions, equivocation evidence, and the commit
 * certificate of the previous block. A block's hash covers its header, and the header commits to everything
 * else by Merkle root or hash.
 */
import { z } from 'zod'
import { canonicalBytes, hashOf, hexToBytes, bytesToHex, sha256Hex, type Hash } from './codec'
import { reject } from './errors'
import { merkleRoot } from './merkle'
import { AddressText, HashText, MAX_VALIDATORS } from './params'
import { ConsensusProof } from './proofs/consensus-proof'
import type { SignatureScheme } from './signature-scheme'
import type { ValidatorSet } from './state'
import { SignedTx, txId, txSize } from './tx'
import type { VerificationCache } from './verification-cache'
import { Vote, verifyVote } from './votes'

export const Commit = z
  .object({
    height: z.number().int().min(1),
    round: z.number().int().min(0),
    blockHash: HashText,
    votes: z.array(Vote).min(1).max(MAX_VALIDATORS),
  })
  .strict()
export type Commit = z.infer<typeof Commit>

/** Two signed votes by one validator for different blocks at the same height, round and step. */
export const Evidence = z.object({ kind: z.literal('duplicate-vote'), a: Vote, b: Vote }).strict()
export type Evidence = z.infer<typeof Evidence>

export const HeaderFields = z
  .object({
    chainId: HashText,
    height: z.number().int().min(1),
    timeMs: z.number().int().min(0),
    /** The previous block's hash; for height 1, the network id. */
    previousHash: HashText,
    proposer: AddressText,
    txRoot: HashText,
    evidenceRoot: HashText,
    /** Root of the state after this block's transactions. */
    stateRoot: HashText,
    lastCommitHash: HashText.nullable(),
  })
  .strict()
export type HeaderFields = z.infer<typeof HeaderFields>

export const BlockHeader = HeaderFields.extend({ proof: ConsensusProof }).strict()
export type BlockHeader = z.infer<typeof BlockHeader>

export const Block = z
  .object({
    header: BlockHeader,
    txs: z.array(SignedTx).max(100_000),
    evidence: z.array(Evidence).max(100),
    lastCommit: Commit.nullable(),
  })
  .strict()
export type Block = z.infer<typeof Block>

export const blockHash = (header: BlockHeader): Hash => hashOf('hypermesh/block/v1', header)

/**
 * A block's encoded size in bytes: its canonical JSON, which is also the length of its JSON on the wire.
 * Computed from the (remembered) size of each transaction, so a full block is not encoded again per check.
 */
export function blockSize(block: Block): number {
  const rest = canonicalBytes({ ...block, txs: [] }).length
  let txs = 0
  for (const tx of block.txs) txs += txSize(tx)
  // "txs":[] becomes "txs":[t1,t2,…]: the transactions and a comma between each two.
  return rest + txs + Math.max(0, block.txs.length - 1)
}

/** What the ConsensusProof proves: every header field except the proof itself. */
export function headerSubject(header: HeaderFields): Hash {
  const fields: HeaderFields = {
    chainId: header.chainId,
    height: header.height,
    timeMs: header.timeMs,
    previousHash: header.previousHash,
    proposer: header.proposer,
    txRoot: header.txRoot,
    evidenceRoot: header.evidenceRoot,
    stateRoot: header.stateRoot,
    lastCommitHash: header.lastCommitHash,
  }
  return hashOf('hypermesh/header/v1', fields)
}

/**
 * A transaction's leaf in its block's root: its id and its signature. With the id alone, the block hash
 * would not cover signatures, and anyone relaying a block could swap one (a block that then fails, under
 * the genuine block's hash) without changing the hash.
 */
const txLeaf = (tx: SignedTx): Uint8Array =>
  hexToBytes(sha256Hex('hypermesh/tx-leaf/v1\0', txId(tx), '\0', tx.signature))

export const txRootOf = (txs: readonly SignedTx[]): Hash => bytesToHex(merkleRoot(txs.map(txLeaf)))

export const evidenceRootOf = (evidence: readonly Evidence[]): Hash =>
  bytesToHex(merkleRoot(evidence.map((e) => hexToBytes(hashOf('hypermesh/evidence-item/v1', e)))))

export const commitHash = (commit: Commit | null): Hash | null =>
  commit == null ? null : hashOf('hypermesh/commit/v1', commit)

/**
 * Checks a commit certificate: precommits from distinct members of the height's validator set, all for this
 * height, round and block, each signature valid, together more than two thirds of the voting power.
 */
export function verifyCommit(
  commit: Commit,
  expected: { height: number; blockHash: Hash },
  validators: ValidatorSet,
  scheme: SignatureScheme,
  chainId: string,
  cache?: VerificationCache,
): void {
  if (commit.height !== expected.height || commit.blockHash !== expected.blockHash)
    reject(
      'invalid-block',
      `commit is for height ${commit.height}, expected ${expected.height} and its block`,
    )
  const seen = new Set<string>()
  let power = 0n
  for (const vote of commit.votes) {
    if (vote.type !== 'precommit' || vote.height !== commit.height || vote.round !== commit.round)
      reject('invalid-block', 'commit holds a vote that is not a precommit for its height and round')
    if (vote.blockHash !== commit.blockHash)
      reject('invalid-block', 'commit holds a precommit for another block')
    if (seen.has(vote.validator)) reject('invalid-block', `commit counts validator ${vote.validator} twice`)
    seen.add(vote.validator)
    verifyVote(vote, validators, scheme, chainId, cache)
    power += validators.powerOf(vote.validator)
  }
  if (!validators.isQuorum(power))
    reject(
      'invalid-block',
      `commit has ${power} of ${validators.total} voting power; more than two thirds is needed`,
    )
}
