/**
 * The proofs an owner's terms require of a peer asking it for a lease (`requiredProofs`), against a fresh
 * challenge from the owner, so none can be made ahead or replayed:
 *
 * - PoStake: the asker signs (challenge, its peer id, the other proofs) with a FALCON-1024 key whose
 *   account has bonded stake on the owner's ledger: a staked account vouches for the asking peer.
 * - PoSpace: that account has proven storage space on the owner's ledger (a validator's plot, or an
 *   asset registered with its PoSpace proof).
 * - PoWork: a nonce whose hash over (challenge, peer) has the network's leading zero bits.
 * - PoTime: the network's VDF evaluated over the challenge (sequential work: at least that long spent).
 *
 * The signature binds the proofs to the key, so they cannot be lifted into another peer's request.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { ProofKind } from '../../../shared/sharing-schemas'
import {
  addressOf,
  evaluateVdf,
  falcon1024Scheme,
  falconSignatureProblem,
  fromBase64,
  hashOf,
  HashText,
  signingBytes,
  solveWork,
  toBase64,
  verifyVdf,
  verifyWork,
  type ProofParams,
} from '../../consensus'

const DOMAIN = 'hypermesh/lease-proofs/v1'

/** What the owner asks the asker to prove, and with which parameters. */
export const ProofChallenge = z
  .object({
    challenge: HashText,
    need: z.array(ProofKind).min(1).max(4),
    params: z
      .object({
        workDifficultyBits: z.number().int().min(0).max(40),
        vdfSquarings: z.number().int().min(1).max(50_000_000),
      })
      .strict(),
  })
  .strict()
export type ProofChallenge = z.infer<typeof ProofChallenge>

export const LeaseProofs = z
  .object({
    publicKey: z.string().max(4096),
    signature: z.string().max(4096),
    work: z
      .object({ nonce: z.number().int().min(0) })
      .strict()
      .optional(),
    time: z
      .object({ y: z.string().max(4096), pi: z.string().max(4096) })
      .strict()
      .optional(),
  })
  .strict()
export type LeaseProofs = z.infer<typeof LeaseProofs>

export function newChallenge(
  need: ProofChallenge['need'],
  params: Pick<ProofParams, 'workDifficultyBits' | 'vdfSquarings'>,
): ProofChallenge {
  const { workDifficultyBits, vdfSquarings } = params
  return { challenge: randomBytes(32).toString('hex'), need, params: { workDifficultyBits, vdfSquarings } }
}

const workInput = (challenge: string, peer: string): string => hashOf(`${DOMAIN}/work`, { challenge, peer })
const vdfSeed = (challenge: string, peer: string): string => `lease:${challenge}:${peer}`
const signed = (challenge: string, peer: string, proofs: Omit<LeaseProofs, 'publicKey' | 'signature'>) =>
  signingBytes(DOMAIN, { challenge, peer, work: proofs.work ?? null, time: proofs.time ?? null })

/** The asker's answer: the proofs asked for, signed with its FALCON key. */
export function proveForLease(
  asked: ProofChallenge,
  peer: string,
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array },
): LeaseProofs {
  const proofs: Omit<LeaseProofs, 'publicKey' | 'signature'> = {}
  if (asked.need.includes('work'))
    proofs.work = { nonce: solveWork(workInput(asked.challenge, peer), asked.params.workDifficultyBits) }
  if (asked.need.includes('time')) {
    const { y, pi } = evaluateVdf(vdfSeed(asked.challenge, peer), asked.params.vdfSquarings)
    proofs.time = { y, pi }
  }
  const signature = falcon1024Scheme.sign(signed(asked.challenge, peer, proofs), falcon.secretKey)
  return { ...proofs, publicKey: toBase64(falcon.publicKey), signature: toBase64(signature) }
}

export interface LedgerView {
  /** Bonded stake of an account on the owner's ledger (0 without a ledger). */
  bondedOf(address: string): bigint
  /** Whether the account has proven storage space on the owner's ledger. */
  hasProvenSpace(address: string): boolean
}

/** Null when the answer carries every proof asked for, by `peer`; else what is missing or wrong. */
export function leaseProofsRefusal(
  asked: ProofChallenge,
  answer: LeaseProofs,
  peer: string,
  ledger: LedgerView,
): string | null {
  const { publicKey, signature, ...proofs } = answer
  switch (falconSignatureProblem(publicKey, signature, signed(asked.challenge, peer, proofs))) {
    case 'not-base64':
      return 'the proofs are not base64'
    case 'not-a-falcon-key':
      return 'the proofs carry no FALCON-1024 key'
    case 'bad-signature':
      return 'the proofs are not signed for this challenge and peer by the key they carry'
  }
  const address = addressOf(falcon1024Scheme, fromBase64(publicKey))
  for (const need of asked.need) {
    const problem = partRefusal(need, asked, answer, peer, address, ledger)
    if (problem != null) return problem
  }
  return null
}

function partRefusal(
  need: ProofChallenge['need'][number],
  asked: ProofChallenge,
  answer: LeaseProofs,
  peer: string,
  address: string,
  ledger: LedgerView,
): string | null {
  switch (need) {
    case 'stake':
      return ledger.bondedOf(address) > 0n
        ? null
        : `PoStake: account ${address} has no bonded stake on this owner's ledger; stake CAESAR first`
    case 'space':
      return ledger.hasProvenSpace(address)
        ? null
        : `PoSpace: account ${address} has proven no storage space on this owner's ledger (validate, or register an asset)`
    case 'work':
      return answer.work != null &&
        verifyWork(workInput(asked.challenge, peer), answer.work.nonce, asked.params.workDifficultyBits)
        ? null
        : 'PoWork: the nonce does not meet the difficulty for this challenge'
    case 'time':
      return answer.time != null &&
        verifyVdf(vdfSeed(asked.challenge, peer), asked.params.vdfSquarings, answer.time)
        ? null
        : 'PoTime: the VDF output or proof is wrong for this challenge'
  }
}
