import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../../test/sim/ed25519-scheme'
import { hashOf } from '../codec'
import { LedgerRejection } from '../errors'
import type { ProofParams } from '../params'
import { falcon1024Scheme, type SignatureScheme } from '../signature-scheme'
import { addressOf } from '../tx'
import {
  finishProof,
  proveConsensus,
  signStakeProof,
  verifyConsensusProof,
  type ConsensusProof,
  type ProofExpectations,
} from './consensus-proof'
import { Plot, plotOwner } from './space'

const PARAMS: ProofParams = {
  workDifficultyBits: 6,
  vdfSquarings: 64,
  spaceLeavesLog2: 6,
  spaceLabelIterations: 4,
  spaceChallenges: 3,
}
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const ANCHOR = hashOf('test', 'anchor')
const SUBJECT = hashOf('test', 'subject')

function prover(scheme: SignatureScheme = ed25519Scheme) {
  const keys = scheme.keygen()
  const signer = { scheme, address: addressOf(scheme, keys.publicKey), ...keys }
  const plot = Plot.generate(plotOwner(keys.publicKey), PARAMS.spaceLeavesLog2, PARAMS.spaceLabelIterations)
  const prove = (anchor = ANCHOR, subject = SUBJECT): ConsensusProof =>
    proveConsensus({
      anchor,
      subject,
      plot,
      signer,
      location: { peerId: PEER, addrs: ['/ip4/127.0.0.1/tcp/4001'] },
      params: PARAMS,
    })
  const expect_ = (over: Partial<ProofExpectations> = {}): ProofExpectations => ({
    anchor: ANCHOR,
    subject: SUBJECT,
    params: PARAMS,
    scheme,
    signerAddress: signer.address,
    signerPublicKey: keys.publicKey,
    space: plot.commitment,
    peerId: PEER,
    stakeRefusal: () => null,
    ...over,
  })
  return { signer, plot, prove, expectations: expect_ }
}

function failure(proof: ConsensusProof, expectations: ProofExpectations): string | null {
  try {
    verifyConsensusProof(proof, expectations)
    return null
  } catch (err) {
    if (err instanceof LedgerRejection && err.code === 'invalid-proof') return err.message
    throw err
  }
}

describe('ConsensusProof', () => {
  const p = prover()
  const proof = p.prove()
  /** Changes one proof and signs the result again, as a Byzantine prover with its own key can. */
  const resigned = (change: (copy: ConsensusProof) => void): ConsensusProof => {
    const copy = structuredClone(proof)
    change(copy)
    return signStakeProof(copy, { anchor: ANCHOR, subject: SUBJECT, signer: p.signer })
  }
  /** Changes PoTime or PoSpace, then redoes the work and the signature: only the changed proof is wrong. */
  const rebuilt = (change: (copy: ConsensusProof) => void): ConsensusProof => {
    const copy = structuredClone(proof)
    change(copy)
    return finishProof(copy, { anchor: ANCHOR, subject: SUBJECT, signer: p.signer, params: PARAMS })
  }

  it('verifies all four proofs made for the subject and anchor', () => {
    expect(failure(proof, p.expectations())).toBeNull()
  })

  it('PoStake: refuses a forged signature, another key, and a signer without stake', () => {
    const forged = structuredClone(proof)
    forged.stake.signature = Buffer.from(new Uint8Array(64).fill(3)).toString('base64')
    expect(failure(forged, p.expectations())).toMatch(/^PoStake/)
    const other = prover()
    expect(failure(proof, other.expectations({ signerAddress: p.signer.address }))).toMatch(/^PoStake/)
    expect(failure(proof, p.expectations({ stakeRefusal: () => 'no bonded stake' }))).toMatch(
      /^PoStake: no bonded stake/,
    )
  })

  it('PoWork: refuses a wrong nonce and a difficulty below the network’s', () => {
    let bad = proof.work.nonce + 1
    while (
      failure(
        resigned((c) => (c.work.nonce = bad)),
        p.expectations(),
      ) == null
    )
      bad++
    expect(
      failure(
        resigned((c) => (c.work.nonce = bad)),
        p.expectations(),
      ),
    ).toMatch(/^PoWork/)
    expect(
      failure(
        resigned((c) => (c.work.difficultyBits = 1)),
        p.expectations(),
      ),
    ).toMatch(/^PoWork/)
  })

  it('PoSpace: refuses missing, altered, repeated and foreign answers, another plot, and another peer', () => {
    expect(
      failure(
        rebuilt((c) => c.space.answers.pop()),
        p.expectations(),
      ),
    ).toMatch(/^PoSpace/)
    expect(
      failure(
        rebuilt((c) => (c.space.answers[0]!.label = 'e'.repeat(64))),
        p.expectations(),
      ),
    ).toMatch(/^PoSpace/)
    expect(
      failure(
        rebuilt((c) => (c.space.answers[1] = c.space.answers[0]!)),
        p.expectations(),
      ),
    ).toMatch(/^PoSpace/)
    expect(
      failure(
        rebuilt((c) => c.space.answers[0]!.path.reverse()),
        p.expectations(),
      ),
    ).toMatch(/^PoSpace/)
    expect(
      failure(
        rebuilt((c) => (c.space.attempt = 99)),
        p.expectations(),
      ),
    ).toMatch(/^PoSpace/)
    const otherPlot = Plot.generate(
      plotOwner(new Uint8Array(32).fill(9)),
      PARAMS.spaceLeavesLog2,
      PARAMS.spaceLabelIterations,
    )
    expect(failure(proof, p.expectations({ space: otherPlot.commitment }))).toMatch(/^PoSpace/)
    expect(failure(proof, p.expectations({ peerId: PEER.replace('N', 'M') }))).toMatch(/^PoSpace/)
  })

  it('PoTime: refuses a tampered VDF output and the wrong number of squarings', () => {
    expect(
      failure(
        rebuilt((c) => (c.time.pi = c.time.pi.replace(/.$/, (x) => (x === '1' ? '2' : '1')))),
        p.expectations(),
      ),
    ).toMatch(/^PoTime/)
    expect(
      failure(
        rebuilt((c) => (c.time.squarings = 32)),
        p.expectations(),
      ),
    ).toMatch(/^PoTime/)
  })

  it('refuses a stale or replayed proof: made for another anchor or another subject', () => {
    const stale = p.prove(hashOf('test', 'older anchor'))
    expect(failure(stale, p.expectations())).toMatch(/^PoStake/)
    // Re-signed for the current anchor, the stale VDF and plot answers are caught by their own checks.
    const restaked = finishProof(structuredClone(stale), {
      anchor: ANCHOR,
      subject: SUBJECT,
      signer: p.signer,
      params: PARAMS,
    })
    expect(failure(restaked, p.expectations())).toMatch(/^(PoSpace|PoTime)/)
    expect(failure(p.prove(ANCHOR, hashOf('test', 'another block')), p.expectations())).toMatch(/^PoStake/)
  })

  it('works with FALCON-1024 keys', () => {
    const falcon = prover(falcon1024Scheme)
    expect(failure(falcon.prove(), falcon.expectations())).toBeNull()
  })
})
