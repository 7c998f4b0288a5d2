/**
 * What one ledger remembers of the checks it has made, so that a transaction, vote or proof seen again
 * (at gossip, in a proposal, inside a commit) is not verified again: post-quantum signatures and VDFs are
 * the costliest steps of consensus. Each cache holds only pure functions of the bytes it is keyed by, is
 * bounded (least recently used goes first), and belongs to one chain: two nodes in one process share
 * nothing. Checks called without a cache simply verify every time.
 */
import { LRUCache } from 'lru-cache'

/** Why a transaction's key or signature was refused. */
export interface TxSignatureFailure {
  code: 'malformed' | 'wrong-key' | 'bad-signature'
  message: string
}

/** A verdict on a transaction's signature: it holds, or why not. */
export type TxVerdict = TxSignatureFailure | 'valid'

export class VerificationCache {
  /** Transaction signature verdicts by (scheme, tx id, signature): a refusal is as safe to keep as a success. */
  readonly txVerdicts = new LRUCache<string, TxVerdict>({ max: 100_000 })
  /** Vote and proposal signatures that verified, by scheme, key, signature and signed bytes. */
  readonly signatures = new LRUCache<string, true>({ max: 50_000 })
  /** Validators' public keys, decoded once: they sign every round. */
  readonly publicKeys = new LRUCache<string, Uint8Array>({ max: 10_000 })
  /** VDF proofs that verified, by seed, squarings and output. */
  readonly vdfProofs = new LRUCache<string, true>({ max: 10_000 })
}
