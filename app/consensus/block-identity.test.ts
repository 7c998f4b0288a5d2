/**
 * Issue 17, item 3, for blocks: a block's hash must cover every byte that can make it valid or not. Its
 * transaction root covered only transaction ids (the signed bodies), so anyone relaying a proposal could
 * swap a transaction's signature without changing the block hash: honest validators then found the
 * genuine block's hash invalid (the refusal was cached by header hash) and never heard the genuine body,
 * since gossip de-duplicates proposals by that hash.
 */
import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import {
  rejectionCode,
  TEST_CHAIN,
  testGenesis,
  testTransfer,
  testValidators,
} from '../../test/support/ledger-fixture'
import { blockHash, type Block } from './block'
import { Chain } from './chain'
import { ConsensusDriver, type Clock } from './driver'
import { MemoryBlockStore } from './memory-store'
import type { ConsensusMessage } from './messages'
import { signProposal } from './votes'

const transfer = (nonce: number, amount = '1') => testTransfer(nonce, undefined, { amount })

function proposed(chain: Chain, proposerAddress: string): Block {
  const proposer = testValidators.find((v) => v.address === proposerAddress)!
  return chain.buildBlock({
    signer: proposer.signer,
    plot: proposer.plot,
    location: { peerId: proposer.peerId, addrs: [] },
    txs: [transfer(0)],
    evidence: [],
    lastCommit: null,
    timeMs: 1_000,
  })
}

/** The same block with its transaction's signature swapped for another, valid-looking one. */
const tampered = (block: Block): Block => ({
  ...block,
  txs: [{ ...block.txs[0]!, signature: transfer(0, '2').signature }],
})

describe('a block’s hash covers its transactions’ signatures', () => {
  it('a swapped signature changes the transaction root, so the altered body never passes as the block', () => {
    const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
    const genuine = proposed(chain, testValidators[0]!.address)
    expect(genuine.txs).toHaveLength(1)
    const altered = tampered(genuine)
    expect(blockHash(altered.header)).toBe(blockHash(genuine.header))
    const check = (block: Block) =>
      rejectionCode(() => chain.validateBlock(block, { nowMs: 2_000, forCommit: false }))
    expect(check(altered)).toBe('invalid-block')
    expect(() => chain.validateBlock(altered, { nowMs: 2_000, forCommit: false })).toThrow(
      /transaction root does not match/,
    )
    // The refusal of the altered body is not remembered against the genuine block's hash.
    expect(check(genuine)).toBeNull()
  })

  it('a proposal relayed with an altered body is refused, and the genuine one is still heard', () => {
    const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
    const sent: ConsensusMessage[] = []
    const clock: Clock = { now: () => 1_500, setTimer: () => () => {} }
    const driver = new ConsensusDriver(chain, null, clock, { broadcast: (m) => sent.push(m), send: () => {} })
    driver.start()
    const proposerAddress = driver.proposer(1, 0)
    const proposer = testValidators.find((v) => v.address === proposerAddress)!
    const genuine = proposed(chain, proposerAddress)
    const proposal = signProposal(
      {
        chainId: TEST_CHAIN,
        height: 1,
        round: 0,
        validRound: -1,
        blockHash: blockHash(genuine.header),
        proposer: proposerAddress,
      },
      { scheme: ed25519Scheme, address: proposerAddress, secretKey: proposer.secretKey },
    )
    expect(driver.worthVerifying('relay', { type: 'proposal', proposal, block: tampered(genuine) })).toBe(
      false,
    )
    driver.receive('relay', { type: 'proposal', proposal, block: tampered(genuine) })
    driver.receive('proposer', { type: 'proposal', proposal, block: genuine })
    const relayed = sent.filter((m) => m.type === 'proposal')
    expect(relayed).toEqual([{ type: 'proposal', proposal, block: genuine }])
    driver.stop()
  })
})
