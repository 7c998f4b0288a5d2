/**
 * Byzantine validators for the simulator: the real driver with one behaviour changed. They sign with their
 * own valid keys, so honest nodes cannot refuse them by signature alone; the protocol has to cope.
 */
import { ConsensusDriver } from '../../app/consensus/driver'
import { headerSubject, type Block } from '../../app/consensus/block'
import { signStakeProof } from '../../app/consensus/proofs/consensus-proof'
import { signVote, type Vote } from '../../app/consensus/votes'
import type { Random } from './random'

export const BYZANTINE_KINDS = ['equivocate', 'withhold', 'invalid-proof', 'lying-time'] as const
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number]

export interface ByzantineContext {
  readonly rng: Random
  readonly peers: () => readonly string[]
}

/** Sends one vote to half the peers and a conflicting vote to the other half. */
export class EquivocatingDriver extends ConsensusDriver {
  byzantine!: ByzantineContext
  override broadcastVote(vote: Vote): void {
    // Signed directly: an equivocator ignores its own signing guard.
    const conflicting = {
      ...stripSignature(vote),
      blockHash: vote.blockHash == null ? fakeHash(this.byzantine.rng) : null,
    }
    const other = signVote(conflicting, this.validatorKey())
    const peers = this.byzantine.peers()
    peers.forEach((peer, i) => this.transport.send(peer, { type: 'vote', vote: i % 2 === 0 ? vote : other }))
  }
}

/** Never proposes and never votes. */
export class WithholdingDriver extends ConsensusDriver {
  override requestBlock(): void {}
  override broadcastVote(): void {}
  override broadcastProposal(): void {}
}

/** Proposes blocks with one of the four proofs broken: forged, stale, replayed or missing. */
export class InvalidProofDriver extends ConsensusDriver {
  byzantine!: ByzantineContext
  private previousProof: Block['header']['proof'] | null = null

  override buildBlock(): Block {
    const block = super.buildBlock()
    const proof = structuredClone(block.header.proof)
    const { rng } = this.byzantine
    let corruption = rng.int(0, 4)
    if (corruption === 3 && this.previousProof == null) corruption = 0
    if (corruption === 0) proof.work.nonce += 1 + rng.int(0, 1000)
    else if (corruption === 1) proof.time.y = proof.time.y.replace(/.$/, (c) => (c === '0' ? '1' : '0'))
    else if (corruption === 2) proof.space.answers = proof.space.answers.slice(1)
    else if (corruption === 3) Object.assign(proof, structuredClone(this.previousProof))
    else proof.stake.signature = Buffer.from(rng.bytes(64)).toString('base64')
    this.previousProof = block.header.proof
    // Signed again with the validator's real key (except a forged stake signature), so each broken proof
    // has to be caught by its own check, not by the signature over all four.
    const signer = this.identity!.signer
    const resigned =
      corruption === 4
        ? proof
        : signStakeProof(proof, {
            anchor: block.header.previousHash,
            subject: headerSubject(block.header),
            signer,
          })
    return { ...block, header: { ...block.header, proof: resigned } }
  }
}

/** Stamps its blocks far in the future. */
export class LyingTimeDriver extends ConsensusDriver {
  override blockTimeMs(): number {
    return this.clock.now() + this.chain.params.maxClockDriftMs * 20
  }
}

function stripSignature(vote: Vote): Omit<Vote, 'signature'> {
  const { signature, ...rest } = vote
  void signature
  return rest
}

const fakeHash = (rng: Random): string => Buffer.from(rng.bytes(32)).toString('hex')
