/**
 * A small ledger for tests: four Ed25519 validators (the simulator's scheme: fast) with tiny plots, a
 * genesis, and helpers that build a proven block and a commit signed by chosen validators.
 */
import { ed25519Scheme } from '../sim/ed25519-scheme'
import { SIM_PARAMS } from '../sim/simulation'
import { blockHash, type Block, type Commit } from '../../app/consensus/block'
import type { Chain } from '../../app/consensus/chain'
import { toBase64 } from '../../app/consensus/codec'
import type { GenesisConsensus } from '../../app/consensus/params'
import { Plot, plotOwner } from '../../app/consensus/proofs/space'
import { addressOf, signTx, type SignedTx } from '../../app/consensus/tx'
import { LedgerRejection, type RejectionCode } from '../../app/consensus/errors'
import { signVote } from '../../app/consensus/votes'

export const TEST_CHAIN = 'a'.repeat(64)
export const testPeerId = (i: number): string =>
  `12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXT${'NMPQ'[i]}`

export const testValidators = Array.from({ length: 4 }, (_, i) => {
  const keys = ed25519Scheme.keygen(new Uint8Array(32).fill(i + 1))
  const address = addressOf(ed25519Scheme, keys.publicKey)
  const plot = Plot.generate(
    plotOwner(keys.publicKey),
    SIM_PARAMS.proofs.spaceLeavesLog2,
    SIM_PARAMS.proofs.spaceLabelIterations,
  )
  return {
    ...keys,
    address,
    plot,
    peerId: testPeerId(i),
    signer: { scheme: ed25519Scheme, address, ...keys },
  }
})

export const testGenesis: GenesisConsensus = {
  params: SIM_PARAMS,
  validators: testValidators.map((v) => ({
    peerId: v.peerId,
    publicKey: toBase64(v.publicKey),
    stake: '1000',
    space: v.plot.commitment,
  })),
  balances: [{ address: testValidators[0]!.address, amount: '5000' }],
}

/** A commit for `block` with precommits from the validators at `signers`. */
export function commitFor(block: Block, signers: readonly number[], round = 0, chainId = TEST_CHAIN): Commit {
  const hash = blockHash(block.header)
  const votes = signers.map((i) =>
    signVote(
      {
        type: 'precommit',
        chainId,
        height: block.header.height,
        round,
        blockHash: hash,
        validator: testValidators[i]!.address,
      },
      { scheme: ed25519Scheme, address: testValidators[i]!.address, secretKey: testValidators[i]!.secretKey },
    ),
  )
  return { height: block.header.height, round, blockHash: hash, votes }
}

/** A proven, empty next block of `chain` by validator `by`. */
export function buildTestBlock(chain: Chain, by: number, lastCommit: Commit | null, timeMs: number): Block {
  const v = testValidators[by]!
  return chain.buildBlock({
    signer: v.signer,
    plot: v.plot,
    location: { peerId: v.peerId, addrs: [] },
    txs: [],
    evidence: [],
    lastCommit,
    timeMs,
  })
}

/** Commits `count` empty blocks, proposers in turn, each signed by validators 0–2. */
export function growTestChain(chain: Chain, count: number): void {
  for (let i = 0; i < count; i++) {
    const last = chain.store.get(chain.height)
    const block = buildTestBlock(chain, chain.height % 4, last?.commit ?? null, 1_000 * (chain.height + 1))
    chain.commit(block, commitFor(block, [0, 1, 2], 0, chain.chainId))
  }
}

/** The code of the LedgerRejection fn throws, or null when it does not throw; other errors propagate. */
export function rejectionCode(fn: () => unknown): RejectionCode | null {
  try {
    fn()
    return null
  } catch (err) {
    if (err instanceof LedgerRejection) return err.code
    throw err
  }
}

/** A signed Ed25519 transfer of 1 unit (fee 1) from `from`, by default the funded validator 0. */
export function testTransfer(
  nonce = 0,
  from: { address: string; publicKey: Uint8Array; secretKey: Uint8Array } = testValidators[0]!,
  change: { amount?: string; to?: string } = {},
): SignedTx {
  return signTx(
    {
      kind: 'transfer',
      chainId: TEST_CHAIN,
      from: from.address,
      publicKey: toBase64(from.publicKey),
      nonce,
      fee: '1',
      to: change.to ?? 'ef'.repeat(20),
      amount: change.amount ?? '1',
    },
    ed25519Scheme,
    from.secretKey,
  )
}
