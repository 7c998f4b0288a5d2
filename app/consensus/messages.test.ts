/**
 * Issue 17, item 4: the limits on blocks and messages agree. The largest block the rules allow goes in
 * one proposal, and with the largest commit the schema allows in one sync response; a larger block is
 * refused by size.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import {
  buildTestBlock,
  rejectionCode,
  TEST_CHAIN,
  testGenesis,
  testTransfer,
} from '../../test/support/ledger-fixture'
import { blockSize, type Block, type Commit } from './block'
import { Chain, MAX_BLOCK_BYTES } from './chain'
import { canonicalBytes, isCanonicalBase64 } from './codec'
import { MemoryBlockStore } from './memory-store'
import { ConsensusMessage, decodeConsensusMessage, MAX_MESSAGE_BYTES, SYNC_BATCH_BYTES } from './messages'
import type { SignedTx } from './tx'
import type { Proposal, Vote } from './votes'

const wire = (message: ConsensusMessage): number => Buffer.byteLength(JSON.stringify(message))
const MAX_SAFE = Number.MAX_SAFE_INTEGER

/** The largest vote and commit the schemas accept. */
const largestVote: Vote = {
  type: 'precommit',
  chainId: 'f'.repeat(64),
  height: MAX_SAFE,
  round: 1_000_000,
  blockHash: 'f'.repeat(64),
  validator: 'f'.repeat(40),
  signature: 'A'.repeat(8192),
}
const largestCommit: Commit = {
  height: MAX_SAFE,
  round: MAX_SAFE,
  blockHash: 'f'.repeat(64),
  votes: Array<Vote>(1_000).fill(largestVote),
}
const largestProposal: Proposal = {
  chainId: 'f'.repeat(64),
  height: MAX_SAFE,
  round: 1_000_000,
  validRound: 999_999,
  blockHash: 'f'.repeat(64),
  proposer: 'f'.repeat(40),
  signature: 'A'.repeat(8192),
}

describe('block and message limits', () => {
  const chain = new Chain(
    TEST_CHAIN,
    { ...testGenesis, params: { ...testGenesis.params, maxBlockTxs: 100_000, maxTxBytes: 32_768 } },
    ed25519Scheme,
    new MemoryBlockStore(),
  )
  const empty = buildTestBlock(chain, 0, null, 1_000)
  const transfer = testTransfer(0)
  /** `block` filled with `tx` (one object many times: its size is computed once) to at least `bytes`. */
  const filled = (tx: SignedTx, bytes: number): Block => {
    const count = Math.ceil((bytes - blockSize(empty)) / (canonicalBytes(tx).length + 1))
    return { ...empty, txs: Array<SignedTx>(count).fill(tx) }
  }

  it('blockSize is the length of the block’s JSON, canonical and on the wire', () => {
    for (const block of [empty, { ...empty, txs: [transfer] }, { ...empty, txs: [transfer, transfer] }]) {
      expect(blockSize(block)).toBe(canonicalBytes(block).length)
      expect(blockSize(block)).toBe(Buffer.byteLength(JSON.stringify(block)))
    }
  })

  it('the largest block fits a proposal, and with the largest commit a sync response', () => {
    const largest = filled(transfer, MAX_BLOCK_BYTES)
    const size = blockSize(largest)
    expect(size).toBeGreaterThanOrEqual(MAX_BLOCK_BYTES)
    // Sizes add up exactly, so the bound is the block's size plus the rest of the message.
    const proposalBytes =
      wire({ type: 'proposal', proposal: largestProposal, block: empty }) - blockSize(empty)
    expect(MAX_BLOCK_BYTES + proposalBytes).toBeLessThan(MAX_MESSAGE_BYTES)
    const commitBytes = canonicalBytes(largestCommit).length
    const entryBytes =
      wire({ type: 'sync-response', entries: [{ block: empty, commit: largestCommit }] }) - blockSize(empty)
    expect(commitBytes).toBeGreaterThan(8_000_000)
    expect(MAX_BLOCK_BYTES + entryBytes).toBeLessThan(SYNC_BATCH_BYTES)
    expect(SYNC_BATCH_BYTES).toBeLessThan(MAX_MESSAGE_BYTES)
  })

  it('a block over the byte limit is refused by size, before anything in it is verified', () => {
    // Transactions of about 8 KiB, which nothing before the size check looks into.
    const large: SignedTx = {
      ...transfer,
      body: { ...transfer.body, publicKey: 'A'.repeat(4096) },
      signature: 'A'.repeat(4096),
    }
    const over = filled(large, MAX_BLOCK_BYTES + 1)
    expect(blockSize(over)).toBeGreaterThan(MAX_BLOCK_BYTES)
    expect(rejectionCode(() => chain.validateBlock(over, { nowMs: 2_000, forCommit: false }))).toBe(
      'invalid-block',
    )
    expect(() => chain.validateBlock(over, { nowMs: 2_000, forCommit: false })).toThrow(
      `is ${blockSize(over)} bytes; the limit is ${MAX_BLOCK_BYTES}`,
    )
  })
})

describe('decoding consensus messages from generated input', () => {
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))
  const honestVote: Vote = {
    type: 'prevote',
    chainId: 'a'.repeat(64),
    height: 3,
    round: 0,
    blockHash: null,
    validator: 'b'.repeat(40),
    signature: Buffer.from('a signature').toString('base64'),
  }

  it('never throws on arbitrary bytes or JSON, and what it accepts decodes again to itself', () => {
    const roundTrips = (bytes: Uint8Array): void => {
      const message = decodeConsensusMessage(bytes)
      if (message != null) expect(decodeConsensusMessage(encode(message))).toEqual(message)
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), roundTrips))
    fc.assert(fc.property(fc.json(), (text) => roundTrips(new TextEncoder().encode(text))))
  })

  it('a vote with any signature text is accepted exactly when that text is canonical base64', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (signature) => {
        const message = decodeConsensusMessage(encode({ type: 'vote', vote: { ...honestVote, signature } }))
        expect(message != null).toBe(isCanonicalBase64(signature))
      }),
    )
    expect(decodeConsensusMessage(encode({ type: 'vote', vote: honestVote }))).not.toBeNull()
  })

  it('a valid message with one character changed is refused or still a well-formed message', () => {
    const text = JSON.stringify({ type: 'vote', vote: honestVote })
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (at, char) => {
        const mutated = text.slice(0, at) + char + text.slice(at + 1)
        const message = decodeConsensusMessage(new TextEncoder().encode(mutated))
        if (message != null) expect(ConsensusMessage.safeParse(message).success).toBe(true)
      }),
    )
  })
})
