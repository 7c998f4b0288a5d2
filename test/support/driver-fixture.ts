/**
 * A consensus driver over the test ledger (test/support/ledger-fixture.ts) whose transport records what it
 * sends, and signed proposals and votes of the test validators to feed it.
 */
import { blockHash, type Block } from '../../app/consensus/block'
import { Chain, type BlockStore } from '../../app/consensus/chain'
import { ConsensusDriver, type Clock, type DriverEvents } from '../../app/consensus/driver'
import type { SigningGuard } from '../../app/consensus/signing-guard'
import { MemoryBlockStore } from '../../app/consensus/memory-store'
import type { ConsensusMessage } from '../../app/consensus/messages'
import { signProposal, signVote, type Proposal, type Vote, type VoteType } from '../../app/consensus/votes'
import { ed25519Scheme } from '../sim/ed25519-scheme'
import { TEST_CHAIN, testGenesis, testValidators } from './ledger-fixture'

export interface Sent {
  /** A peer id, or '*' for a broadcast. */
  readonly to: string
  readonly message: ConsensusMessage
}

export function testDriver(init: {
  clock: Clock
  /** Which test validator this node is; null: an observer. */
  validator: number | null
  guard?: SigningGuard
  store?: BlockStore
  events?: DriverEvents
}): { chain: Chain; driver: ConsensusDriver; sent: Sent[] } {
  const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, init.store ?? new MemoryBlockStore())
  chain.replay()
  const sent: Sent[] = []
  const v = init.validator == null ? null : testValidators[init.validator]!
  const identity =
    v == null
      ? null
      : { signer: v.signer, plot: v.plot, location: { peerId: v.peerId, addrs: [] }, guard: init.guard }
  const driver = new ConsensusDriver(
    chain,
    identity,
    init.clock,
    {
      broadcast: (message) => sent.push({ to: '*', message }),
      send: (to, message) => sent.push({ to, message }),
    },
    init.events,
  )
  return { chain, driver, sent }
}

const keyOf = (i: number) => ({
  scheme: ed25519Scheme,
  address: testValidators[i]!.address,
  secretKey: testValidators[i]!.secretKey,
})

/** Test validator `i`'s vote at height 1 (unless given) for `block` (null: nil). */
export function testVote(
  i: number,
  type: VoteType,
  round: number,
  block: Block | null,
  height = 1,
): ConsensusMessage & { type: 'vote' } {
  const vote: Vote = signVote(
    {
      type,
      chainId: TEST_CHAIN,
      height,
      round,
      blockHash: block == null ? null : blockHash(block.header),
      validator: testValidators[i]!.address,
    },
    keyOf(i),
  )
  return { type: 'vote', vote }
}

/** Test validator `i`'s proposal of `block` in `round`. */
export function testProposal(
  i: number,
  block: Block,
  round: number,
): ConsensusMessage & { type: 'proposal' } {
  const proposal: Proposal = signProposal(
    {
      chainId: TEST_CHAIN,
      height: block.header.height,
      round,
      validRound: -1,
      blockHash: blockHash(block.header),
      proposer: testValidators[i]!.address,
    },
    keyOf(i),
  )
  return { type: 'proposal', proposal, block }
}

/** The index of a test validator by address. */
export const validatorIndex = (address: string): number =>
  testValidators.findIndex((v) => v.address === address)
