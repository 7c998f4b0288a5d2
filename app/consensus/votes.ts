/**
 * Consensus messages: proposals and the two kinds of votes of the Tendermint algorithm, each signed by a
 * validator's key over canonical bytes that name the chain, so a vote is valid for one network only.
 */
import { z } from 'zod'
import { fromBase64, sha256Hex, signingBytes, toBase64 } from './codec'
import { reject } from './errors'
import { AddressText, Base64Text, HashText } from './params'
import type { SignatureScheme } from './signature-scheme'
import type { ValidatorSet } from './state'
import type { VerificationCache } from './verification-cache'

export const VoteType = z.enum(['prevote', 'precommit'])
export type VoteType = z.infer<typeof VoteType>

export const Vote = z
  .object({
    type: VoteType,
    chainId: HashText,
    height: z.number().int().min(1),
    round: z.number().int().min(0).max(1_000_000),
    /** null is the paper's nil: no block this round. */
    blockHash: HashText.nullable(),
    validator: AddressText,
    signature: Base64Text.max(8192),
  })
  .strict()
export type Vote = z.infer<typeof Vote>

export const Proposal = z
  .object({
    chainId: HashText,
    height: z.number().int().min(1),
    round: z.number().int().min(0).max(1_000_000),
    /** The paper's vr: the round in which this block got a quorum of prevotes, or −1. */
    validRound: z.number().int().min(-1).max(1_000_000),
    blockHash: HashText,
    proposer: AddressText,
    signature: Base64Text.max(8192),
  })
  .strict()
export type Proposal = z.infer<typeof Proposal>

export type Unsigned<T> = Omit<T, 'signature'>

const VOTE_DOMAIN = 'hypermesh/vote/v1'
const PROPOSAL_DOMAIN = 'hypermesh/proposal/v1'

export interface ValidatorKey {
  readonly scheme: SignatureScheme
  readonly address: string
  readonly secretKey: Uint8Array
}

export function signVote(vote: Unsigned<Vote>, key: ValidatorKey): Vote {
  return { ...vote, signature: toBase64(key.scheme.sign(signingBytes(VOTE_DOMAIN, vote), key.secretKey)) }
}

export function signProposal(proposal: Unsigned<Proposal>, key: ValidatorKey): Proposal {
  return {
    ...proposal,
    signature: toBase64(key.scheme.sign(signingBytes(PROPOSAL_DOMAIN, proposal), key.secretKey)),
  }
}

/** A validator's decoded public key: remembered where there is a cache, since validators sign every round. */
function publicKeyOf(base64: string, cache: VerificationCache | undefined): Uint8Array {
  let key = cache?.publicKeys.get(base64)
  if (key == null) {
    key = fromBase64(base64)
    cache?.publicKeys.set(base64, key)
  }
  return key
}

/**
 * Checks a signature over a vote's or proposal's fields. With a cache, signatures already verified are
 * remembered, keyed by scheme, key, signature and a hash of the signed bytes: a vote is checked when it
 * arrives and again inside every commit that carries it. Only successes are remembered.
 */
function verifySigned(
  domain: string,
  message: { signature: string },
  publicKeyBase64: string,
  scheme: SignatureScheme,
  cache: VerificationCache | undefined,
): boolean {
  const { signature, ...fields } = message
  const bytes = signingBytes(domain, fields)
  const cacheKey = `${scheme.name}|${sha256Hex(publicKeyBase64)}|${signature}|${sha256Hex(bytes)}`
  if (cache?.signatures.has(cacheKey) === true) return true
  let sig: Uint8Array
  let publicKey: Uint8Array
  try {
    sig = fromBase64(signature)
    publicKey = publicKeyOf(publicKeyBase64, cache)
  } catch {
    return false
  }
  if (!scheme.verify(sig, bytes, publicKey)) return false
  cache?.signatures.set(cacheKey, true)
  return true
}

/** Throws unless the vote is for this chain, from a member of the set, and signed by that member's key. */
export function verifyVote(
  vote: Vote,
  validators: ValidatorSet,
  scheme: SignatureScheme,
  chainId: string,
  cache?: VerificationCache,
): void {
  if (vote.chainId !== chainId) reject('wrong-chain', 'vote is for another chain')
  const member = validators.get(vote.validator)
  if (member == null)
    reject('not-a-validator', `vote from ${vote.validator}, which is not a validator at this height`)
  if (!verifySigned(VOTE_DOMAIN, vote, member!.record.publicKey, scheme, cache))
    reject('bad-signature', `vote signature does not verify for validator ${vote.validator}`)
}

/** Checks a vote's signature against a key directly (evidence about validators that have since left). */
export const voteSignatureValid = (
  vote: Vote,
  publicKeyBase64: string,
  scheme: SignatureScheme,
  cache?: VerificationCache,
): boolean => verifySigned(VOTE_DOMAIN, vote, publicKeyBase64, scheme, cache)

export function verifyProposal(
  proposal: Proposal,
  expectedProposer: string,
  validators: ValidatorSet,
  scheme: SignatureScheme,
  chainId: string,
  cache?: VerificationCache,
): void {
  if (proposal.chainId !== chainId) reject('wrong-chain', 'proposal is for another chain')
  if (proposal.proposer !== expectedProposer)
    reject(
      'not-a-validator',
      `proposal from ${proposal.proposer}; this round's proposer is ${expectedProposer}`,
    )
  if (proposal.validRound >= proposal.round)
    reject('malformed', 'a proposal’s valid round must be before its round')
  const member = validators.get(proposal.proposer)
  if (member == null) reject('not-a-validator', `proposer ${proposal.proposer} is not a validator`)
  if (!verifySigned(PROPOSAL_DOMAIN, proposal, member!.record.publicKey, scheme, cache))
    reject('bad-signature', `proposal signature does not verify for ${proposal.proposer}`)
}

/**
 * What an equivocation is punished under: the validator, height, round and vote type, never the bytes of
 * the evidence. Evidence of one offence in any form (the votes in the other order, a third conflicting
 * vote, another signature of the same vote) has one key, so the offence is punished once.
 */
export const offenceKey = (vote: Pick<Vote, 'validator' | 'height' | 'round' | 'type'>): string =>
  `${vote.validator}/${vote.height}/${vote.round}/${vote.type}`

/**
 * What gossip de-duplicates a vote by: what it says, not its signature's text, so that a vote whose
 * signature was re-encoded or signed again is not relayed and counted as new.
 */
export const voteKey = (vote: Vote): string => `${offenceKey(vote)}/${vote.blockHash ?? 'nil'}`
