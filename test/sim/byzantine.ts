/**
 * Byzantine validators for the simulator: the real driver with one behaviour changed. They sign with their
 * own valid keys, so honest nodes cannot refuse them by signature alone; the protocol has to cope.
 */
import { ConsensusDriver, type TimeProofSource } from '../../app/consensus/driver'
import { blockHash, headerSubject, type Block, type Commit } from '../../app/consensus/block'
import type { CommittedEntry, ConsensusMessage } from '../../app/consensus/messages'
import { provePoTime, signStakeProof, type ConsensusProof } from '../../app/consensus/proofs/consensus-proof'
import type { ValidatorSet } from '../../app/consensus/state'
import { signVote, type Vote } from '../../app/consensus/votes'
import type { Random } from './random'

export const BYZANTINE_KINDS = [
  'equivocate',
  'withhold',
  'invalid-proof',
  'lying-time',
  'grind',
  'junk-sync',
  'round-spam',
] as const
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

/**
 * Proposer grinding: of up to GRIND_TRIES blocks that differ only in their timestamp (a real proposer can
 * also vary its randomized signature), proposes the one whose hash makes it the next height's proposer
 * under the rule that drew round 0's proposer from the previous block hash (issue 17, item 18).
 */
export class GrindingDriver extends ConsensusDriver {
  private offsetMs = 0

  override blockTimeMs(): number {
    return super.blockTimeMs() + this.offsetMs
  }

  override buildBlock(): Block {
    const height = this.chain.height + 1
    const next = this.validators(height)
    let first: Block | null = null
    for (let i = 0; i < GRIND_TRIES; i++) {
      this.offsetMs = i
      const block = super.buildBlock()
      first ??= block
      if (hashSeededProposer(next, height + 1, blockHash(block.header)) === this.self) return block
    }
    return first as Block
  }
}

const GRIND_TRIES = 48

/** PoTime depends only on the previous block: the grinder proves it once for all its candidates. */
export function memoTimeProofs(): TimeProofSource {
  let last: { anchor: string; proof: ConsensusProof['time'] } | null = null
  return {
    prepare: () => {},
    take: (anchor, squarings) => {
      if (last?.anchor !== anchor) last = { anchor, proof: provePoTime(anchor, { vdfSquarings: squarings }) }
      return last.proof
    },
  }
}

/** Round 0's proposer as the hash-seeded rule chose it: a point on the line of cumulative power. */
export function hashSeededProposer(set: ValidatorSet, height: number, previousHash: string): string {
  let point = (BigInt(`0x${previousHash.slice(0, 16)}`) + BigInt(height)) % set.total
  for (const { record, power } of set.members) {
    if (point < power) return record.address
    point -= power
  }
  return set.members[set.members.length - 1]!.record.address
}

/**
 * A low-stake validator racing honest nodes with sync responses: as soon as it commits a block it sends
 * every peer, unasked, that block followed by a junk entry for the next height, and it claims to be a block
 * ahead so that peers ask it, then answers them the same way (issue 17, item 17).
 */
export class JunkSyncDriver extends ConsensusDriver {
  byzantine!: ByzantineContext

  override decide(block: Block, commit: Commit): void {
    super.decide(block, commit)
    const entries = [{ block, commit }, junkAfter({ block, commit })]
    for (const peer of this.byzantine.peers()) {
      this.transport.send(peer, { type: 'sync-response', entries })
      this.transport.send(peer, { type: 'status', height: this.chain.height + 1 })
    }
  }

  override receive(from: string, message: ConsensusMessage): void {
    if (message.type !== 'sync-request') return super.receive(from, message)
    const entries: CommittedEntry[] = []
    for (let h = message.fromHeight; h <= this.chain.height; h++) {
      const stored = this.chain.store.get(h)
      if (stored != null) entries.push({ block: stored.block, commit: stored.commit })
    }
    const last = entries[entries.length - 1]
    if (last != null)
      this.transport.send(from, { type: 'sync-response', entries: [...entries, junkAfter(last)] })
  }
}

/** An entry that claims the next height but whose commit cannot match it. */
function junkAfter(entry: CommittedEntry): CommittedEntry {
  const height = entry.block.header.height + 1
  return {
    block: { ...entry.block, header: { ...entry.block.header, height } },
    commit: { ...entry.commit, height },
  }
}

/** Signs nil prevotes for far rounds of the current height, SPAM_PER_VOTE of them with each vote it casts. */
export class RoundSpamDriver extends ConsensusDriver {
  byzantine!: ByzantineContext
  spamPerVote = 25

  override broadcastVote(vote: Vote): void {
    super.broadcastVote(vote)
    for (let i = 0; i < this.spamPerVote; i++) {
      const round = this.byzantine.rng.int(vote.round + 2, 1_000_000)
      const spam = signVote(
        { ...stripSignature(vote), type: 'prevote', round, blockHash: null },
        this.validatorKey(),
      )
      this.transport.broadcast({ type: 'vote', vote: spam })
    }
  }
}

function stripSignature(vote: Vote): Omit<Vote, 'signature'> {
  const { signature, ...rest } = vote
  void signature
  return rest
}

const fakeHash = (rng: Random): string => Buffer.from(rng.bytes(32)).toString('hex')
