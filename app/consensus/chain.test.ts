import { beforeAll, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { SIM_PARAMS } from '../../test/sim/simulation'
import { Block, blockHash, commitHash, headerSubject, verifyCommit, type Commit } from './block'
import { Chain } from './chain'
import { toBase64 } from './codec'
import type { RejectionCode } from './errors'
import { MemoryBlockStore } from './memory-store'
import { Mempool } from './mempool'
import { proveConsensus } from './proofs/consensus-proof'
import { addressOf, signTx, type TxBody } from './tx'
import { signProposal, signVote, verifyProposal } from './votes'
import {
  commitFor,
  rejectionCode,
  TEST_CHAIN,
  testGenesis,
  testValidators,
} from '../../test/support/ledger-fixture'

const CHAIN = TEST_CHAIN
const validators = testValidators
const genesis = testGenesis
const outsider = ed25519Scheme.keygen(new Uint8Array(32).fill(99))

const code = rejectionCode

describe('blocks and commits', () => {
  let chain: Chain
  let first: Block
  let second: Block
  const build = (by: number, lastCommit: Commit | null, timeMs: number): Block =>
    chain.buildBlock({
      signer: validators[by]!.signer,
      plot: validators[by]!.plot,
      location: { peerId: validators[by]!.peerId, addrs: [] },
      txs: [],
      evidence: [],
      lastCommit,
      timeMs,
    })
  /** Changes header fields and proves the block again with the proposer's real key and plot. */
  const reproved = (block: Block, by: number, change: Partial<Block['header']>): Block => {
    const { proof, ...fields } = { ...block.header, ...change }
    void proof
    const fresh = proveConsensus({
      anchor: fields.previousHash,
      subject: headerSubject(fields),
      plot: validators[by]!.plot,
      signer: validators[by]!.signer,
      location: { peerId: validators[by]!.peerId, addrs: [] },
      params: SIM_PARAMS.proofs,
    })
    return { ...block, header: { ...fields, proof: fresh } }
  }
  const refusal = (block: Block, nowMs = 10_000): RejectionCode | null =>
    code(() => chain.validateBlock(block, { nowMs, forCommit: false }))

  beforeAll(() => {
    chain = new Chain(CHAIN, genesis, ed25519Scheme, new MemoryBlockStore())
    first = build(0, null, 1_000)
    chain.commit(first, commitFor(first, [0, 1, 2]))
    second = build(1, commitFor(first, [1, 2, 3]), 2_000)
  })

  it('accepts a well-built block and replays the stored chain to the same state root', () => {
    expect(refusal(second)).toBeNull()
    const replayed = new Chain(CHAIN, genesis, ed25519Scheme, chain.store)
    replayed.replay()
    expect(replayed.state.root()).toBe(chain.state.root())
    expect(replayed.lastHash).toBe(chain.lastHash)
  })

  it('refuses a block whose proof is forged, stale (replayed from the last block) or missing', () => {
    const forged = structuredClone(second)
    forged.header.proof.stake.signature = toBase64(new Uint8Array(64).fill(5))
    expect(refusal(forged)).toBe('invalid-proof')
    expect(refusal({ ...second, header: { ...second.header, proof: first.header.proof } })).toBe(
      'invalid-proof',
    )
    const { proof, ...withoutProof } = second.header
    void proof
    expect(Block.safeParse({ ...second, header: withoutProof }).success).toBe(false)
  })

  it('refuses a block that does not extend the chain, or lies about its state root or time', () => {
    expect(refusal(reproved(second, 1, { previousHash: 'b'.repeat(64) }))).toBe('invalid-block')
    expect(refusal(reproved(second, 1, { stateRoot: 'c'.repeat(64) }))).toBe('invalid-block')
    expect(refusal(reproved(second, 1, { timeMs: 900 }))).toBe('invalid-block')
    expect(refusal(second, second.header.timeMs - SIM_PARAMS.maxClockDriftMs - 1)).toBe('invalid-block')
    expect(refusal(reproved(second, 1, { height: 3 }))).toBe('invalid-block')
  })

  it('refuses a block from a proposer outside the validator set', () => {
    const stranger = addressOf(ed25519Scheme, outsider.publicKey)
    expect(refusal({ ...second, header: { ...second.header, proposer: stranger } })).toBe('invalid-block')
  })

  it('refuses a commit without a quorum, with a validator twice, with a forged or outside vote', () => {
    const set = chain.validatorsAt(1)
    const expected = { height: 1, blockHash: blockHash(first.header) }
    const check = (commit: Commit): RejectionCode | null =>
      code(() => verifyCommit(commit, expected, set, ed25519Scheme, CHAIN))
    expect(check(commitFor(first, [0, 1, 2]))).toBeNull()
    expect(check(commitFor(first, [0, 1]))).toBe('invalid-block')
    const twice = commitFor(first, [0, 1])
    expect(check({ ...twice, votes: [...twice.votes, twice.votes[0]!] })).toBe('invalid-block')
    const forged = commitFor(first, [0, 1, 2])
    forged.votes[2] = { ...forged.votes[2]!, signature: forged.votes[1]!.signature }
    expect(check(forged)).toBe('bad-signature')
    const outside = commitFor(first, [0, 1])
    outside.votes.push(
      signVote(
        {
          type: 'precommit',
          chainId: CHAIN,
          height: 1,
          round: 0,
          blockHash: expected.blockHash,
          validator: addressOf(ed25519Scheme, outsider.publicKey),
        },
        {
          scheme: ed25519Scheme,
          address: addressOf(ed25519Scheme, outsider.publicKey),
          secretKey: outsider.secretKey,
        },
      ),
    )
    expect(check(outside)).toBe('not-a-validator')
    expect(check({ ...commitFor(first, [0, 1, 2]), height: 2 })).toBe('invalid-block')
    // A body that does not match its header is refused even when the header was already validated.
    expect(refusal(second)).toBeNull()
    expect(refusal({ ...second, lastCommit: commitFor(first, [3]) })).toBe('invalid-block')
    // A block whose header commits to a last commit short of a quorum is refused as a whole.
    const short = commitFor(first, [3])
    expect(
      refusal(reproved({ ...second, lastCommit: short }, 1, { lastCommitHash: commitHash(short) })),
    ).toBe('invalid-block')
  })

  it('refuses a proposal from the wrong proposer, for another chain, with a bad signature or valid round', () => {
    const set = chain.validatorsAt(2)
    const v = validators[1]!
    const key = { scheme: ed25519Scheme, address: v.address, secretKey: v.secretKey }
    const proposal = signProposal(
      {
        chainId: CHAIN,
        height: 2,
        round: 1,
        validRound: -1,
        blockHash: blockHash(second.header),
        proposer: v.address,
      },
      key,
    )
    const check = (p: typeof proposal, proposer = v.address): RejectionCode | null =>
      code(() => verifyProposal(p, proposer, set, ed25519Scheme, CHAIN))
    expect(check(proposal)).toBeNull()
    expect(check(proposal, validators[2]!.address)).toBe('not-a-validator')
    expect(check({ ...proposal, chainId: 'f'.repeat(64) })).toBe('wrong-chain')
    expect(check({ ...proposal, blockHash: 'e'.repeat(64) })).toBe('bad-signature')
    expect(check(signProposal({ ...proposal, validRound: 1 }, key))).toBe('malformed')
  })
})

describe('mempool', () => {
  const sender = validators[0]!
  const poolChain = new Chain(CHAIN, genesis, ed25519Scheme, new MemoryBlockStore())
  const state = poolChain.state
  const poolCtx = poolChain.ctx
  const tx = (nonce: number, from = sender) =>
    signTx(
      {
        kind: 'transfer',
        chainId: CHAIN,
        from: from.address,
        publicKey: toBase64(from.publicKey),
        nonce,
        fee: '1',
        to: validators[1]!.address,
        amount: '1',
      } as TxBody,
      ed25519Scheme,
      from.secretKey,
    )

  it('admits a signed transaction once and refuses forged, replayed and unknown-account ones', () => {
    const pool = new Mempool(poolCtx)
    expect(pool.add(tx(0), state)).toBe(true)
    expect(pool.add(tx(0), state)).toBe(false)
    expect(code(() => pool.add({ ...tx(1), signature: tx(2).signature }, state))).toBe('bad-signature')
    const advanced = state.copy()
    advanced.accounts.set(sender.address, { ...advanced.account(sender.address)!, nonce: 3 })
    expect(code(() => pool.add(tx(2), advanced))).toBe('wrong-nonce')
    const stranger = { ...outsider, address: addressOf(ed25519Scheme, outsider.publicKey) }
    expect(code(() => pool.add(tx(0, stranger as typeof sender), state))).toBe('unknown-account')
    expect(
      code(() =>
        pool.add(signTx({ ...tx(5).body, chainId: 'f'.repeat(64) }, ed25519Scheme, sender.secretKey), state),
      ),
    ).toBe('wrong-chain')
    expect(pool.size).toBe(1)
  })

  it('refuses a next transaction that cannot execute, and drops one a commit made unable to', () => {
    const pool = new Mempool(poolCtx)
    const spend = (nonce: number, amount: string) =>
      signTx({ ...tx(nonce).body, amount } as TxBody, ed25519Scheme, sender.secretKey)
    const balance = state.account(sender.address)!.balance
    expect(code(() => pool.add(spend(0, (balance + 1n).toString()), state))).toBe('insufficient-balance')
    const noFee = signTx({ ...tx(0).body, fee: '0' } as TxBody, ed25519Scheme, sender.secretKey)
    expect(code(() => pool.add(noFee, state))).toBe('fee-too-low')
    expect(pool.size).toBe(0)
    // Admitted while it could pay; after the balance is spent elsewhere it is dropped, not kept forever.
    expect(pool.add(spend(0, '100'), state)).toBe(true)
    const drained = state.copy()
    drained.accounts.set(sender.address, { ...drained.account(sender.address)!, balance: 5n })
    pool.prune(drained)
    expect(pool.size).toBe(0)
    expect(pool.hasReady(drained)).toBe(false)
  })

  it('refuses when full, orders by nonce, and drops what a commit made stale', () => {
    const pool = new Mempool(poolCtx, { capacity: 3 })
    for (const n of [2, 0, 1]) pool.add(tx(n), state)
    expect(code(() => pool.add(tx(3), state))).toBe('oversized')
    expect(pool.pending(10).map((t) => t.body.nonce)).toEqual([0, 1, 2])
    const advanced = state.copy()
    advanced.accounts.set(sender.address, { ...advanced.account(sender.address)!, nonce: 2 })
    pool.prune(advanced)
    expect(pool.pending(10).map((t) => t.body.nonce)).toEqual([2])
  })
})
