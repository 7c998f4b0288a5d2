/**
 * The ConsensusProof that every block and every asset registration carries: WHEN (PoTime), WHERE (PoSpace),
 * WHAT/HOW (PoWork) and WHO (PoStake), chained so that none can be reused for another subject:
 *
 *   time  = VDF(anchor)                                  anchor: the latest block hash the prover knew
 *   space = plot answers to H(anchor ‖ time.y ‖ address)  so the plot is searched after the delay
 *   work  = nonce over H(subject ‖ time ‖ space)
 *   stake = signature over (subject, anchor, time, space, work) by the staking key
 *
 * Verification runs cheapest first and names the proof that failed.
 */
import { z } from 'zod'
import { PeerIdText } from '../../../shared/schemas'
import { fromBase64, hashOf, signingBytes, toBase64, type Hash } from '../codec'
import { reject } from '../errors'
import { AddressText, Base64Text, type ProofParams, type SpaceCommitment } from '../params'
import type { SignatureScheme } from '../signature-scheme'
import { plotOwner, SpaceAnswer, verifySpaceAnswers, type Plot } from './space'
import { evaluateVdf, verifyVdf } from './vdf'
import { solveWork, verifyWork } from './work'
import type { VerificationCache } from '../verification-cache'

export const NetworkLocation = z
  .object({ peerId: PeerIdText, addrs: z.array(z.string().min(1).max(256)).max(16) })
  .strict()
export type NetworkLocation = z.infer<typeof NetworkLocation>

export const ConsensusProof = z
  .object({
    time: z
      .object({ squarings: z.number().int().min(1), y: z.string().max(512), pi: z.string().max(512) })
      .strict(),
    space: z
      .object({
        attempt: z.number().int().min(0),
        answers: z.array(SpaceAnswer).max(64),
        location: NetworkLocation,
      })
      .strict(),
    work: z
      .object({ difficultyBits: z.number().int().min(0).max(64), nonce: z.number().int().min(0) })
      .strict(),
    stake: z.object({ address: AddressText, signature: Base64Text.max(8192) }).strict(),
  })
  .strict()
export type ConsensusProof = z.infer<typeof ConsensusProof>

export interface ProofSigner {
  readonly scheme: SignatureScheme
  readonly address: string
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

const vdfSeed = (anchor: Hash): string => `anchor:${anchor}`
const spaceChallenge = (anchor: Hash, y: string, address: string): Hash =>
  hashOf('hypermesh/space-challenge-seed/v1', { anchor, y, address })
const workInput = (subject: Hash, time: ConsensusProof['time'], space: ConsensusProof['space']): Hash =>
  hashOf('hypermesh/work-input/v1', { subject, time, space })
const STAKE_DOMAIN = 'hypermesh/proof-stake/v1'

/** The VDF part alone: it depends only on the anchor (the previous block), not on the block being built. */
export function provePoTime(anchor: Hash, params: Pick<ProofParams, 'vdfSquarings'>): ConsensusProof['time'] {
  const { y, pi } = evaluateVdf(vdfSeed(anchor), params.vdfSquarings)
  return { squarings: params.vdfSquarings, y, pi }
}

export function proveConsensus(init: {
  anchor: Hash
  subject: Hash
  plot: Plot
  signer: ProofSigner
  location: NetworkLocation
  params: ProofParams
  /** The PoTime proof for this anchor when it was computed ahead (it depends on the anchor only). */
  time?: ConsensusProof['time']
}): ConsensusProof {
  const time =
    init.time != null && init.time.squarings === init.params.vdfSquarings
      ? init.time
      : provePoTime(init.anchor, init.params)
  const found = init.plot.prove(
    spaceChallenge(init.anchor, time.y, init.signer.address),
    init.params.spaceChallenges,
  )
  if (found == null)
    throw new Error('the plot has too few qualifying labels for this challenge; try the next block')
  return finishProof({ time, space: { ...found, location: init.location } }, init)
}

/** PoWork over the subject and the first two proofs, then PoStake over all of it. */
export function finishProof(
  proofs: Pick<ConsensusProof, 'time' | 'space'>,
  init: { anchor: Hash; subject: Hash; signer: ProofSigner; params: Pick<ProofParams, 'workDifficultyBits'> },
): ConsensusProof {
  const difficultyBits = init.params.workDifficultyBits
  const work = {
    difficultyBits,
    nonce: solveWork(workInput(init.subject, proofs.time, proofs.space), difficultyBits),
  }
  return signStakeProof({ ...proofs, work }, init)
}

/** PoStake: the staking key signs the other three proofs together with the subject and anchor. */
export function signStakeProof(
  proofs: Omit<ConsensusProof, 'stake'>,
  init: { anchor: Hash; subject: Hash; signer: ProofSigner },
): ConsensusProof {
  const { time, space, work } = proofs
  const signature = init.signer.scheme.sign(
    signingBytes(STAKE_DOMAIN, { subject: init.subject, anchor: init.anchor, time, space, work }),
    init.signer.secretKey,
  )
  return { time, space, work, stake: { address: init.signer.address, signature: toBase64(signature) } }
}

export interface ProofExpectations {
  anchor: Hash
  subject: Hash
  params: ProofParams
  scheme: SignatureScheme
  /** The staking key the ledger holds for the expected signer. */
  signerAddress: string
  signerPublicKey: Uint8Array
  space: SpaceCommitment
  /** When set, the location must name this peer (a validator's registered peer id). */
  peerId?: string
  /** Ledger-side stake check: null when the signer's bond is enough, else why not. */
  stakeRefusal: () => string | null
  /** Where the checking ledger remembers verified VDFs; absent, every check verifies. */
  cache?: VerificationCache
}

/** Throws LedgerRejection('invalid-proof') naming the first proof that fails. */
export function verifyConsensusProof(proof: ConsensusProof, expect: ProofExpectations): void {
  const fail = (which: string, why: string): never => reject('invalid-proof', `${which}: ${why}`)
  // PoStake (WHO): the right key signed this subject, and the ledger says it holds the stake.
  if (proof.stake.address !== expect.signerAddress)
    fail('PoStake', `signed by ${proof.stake.address}, expected ${expect.signerAddress}`)
  let signature: Uint8Array
  try {
    signature = fromBase64(proof.stake.signature)
  } catch {
    return fail('PoStake', 'signature is not base64')
  }
  const signed = signingBytes(STAKE_DOMAIN, {
    subject: expect.subject,
    anchor: expect.anchor,
    time: proof.time,
    space: proof.space,
    work: proof.work,
  })
  if (!expect.scheme.verify(signature, signed, expect.signerPublicKey))
    fail(
      'PoStake',
      'signature does not verify for this subject and anchor (forged, replayed or for another key)',
    )
  const stakeProblem = expect.stakeRefusal()
  if (stakeProblem != null) fail('PoStake', stakeProblem)
  // PoWork (WHAT/HOW)
  if (proof.work.difficultyBits < expect.params.workDifficultyBits)
    fail(
      'PoWork',
      `difficulty ${proof.work.difficultyBits} is below the network's ${expect.params.workDifficultyBits}`,
    )
  if (
    !verifyWork(
      workInput(expect.subject, proof.time, proof.space),
      proof.work.nonce,
      proof.work.difficultyBits,
    )
  )
    fail('PoWork', 'the nonce does not meet the difficulty for this subject')
  // PoSpace (WHERE)
  if (expect.peerId != null && proof.space.location.peerId !== expect.peerId)
    fail(
      'PoSpace',
      `location names ${proof.space.location.peerId}, but the signer's peer is ${expect.peerId}`,
    )
  const spaceProblem = verifySpaceAnswers(
    proof.space.answers,
    proof.space.attempt,
    spaceChallenge(expect.anchor, proof.time.y, expect.signerAddress),
    expect.space,
    plotOwner(expect.signerPublicKey),
    expect.params,
  )
  if (spaceProblem != null) fail('PoSpace', spaceProblem)
  // PoTime (WHEN): last, because it is the costliest check
  if (proof.time.squarings !== expect.params.vdfSquarings)
    fail('PoTime', `${proof.time.squarings} squarings; the network requires ${expect.params.vdfSquarings}`)
  if (!verifyVdf(vdfSeed(expect.anchor), proof.time.squarings, proof.time, expect.cache))
    fail('PoTime', 'the VDF output or proof is wrong for this anchor')
}
