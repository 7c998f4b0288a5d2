import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { SIM_PARAMS } from '../../test/sim/simulation'
import { rejectionCode, TEST_CHAIN, testGenesis, testValidators } from '../../test/support/ledger-fixture'
import { Chain } from './chain'
import { toBase64 } from './codec'
import { MemoryBlockStore } from './memory-store'
import { Mempool } from './mempool'
import { signTx, txSize } from './tx'

const sender = testValidators[0]!
const transfer = (to: string, nonce = 0) =>
  signTx(
    {
      kind: 'transfer',
      chainId: TEST_CHAIN,
      from: sender.address,
      publicKey: toBase64(sender.publicKey),
      nonce,
      fee: SIM_PARAMS.minFee,
      to,
      amount: '5',
    },
    ed25519Scheme,
    sender.secretKey,
  )

describe('transaction size limits hold from the pool to the block', () => {
  // A limit just below the size of one transfer.
  const limit = txSize(transfer('ab'.repeat(20))) - 1
  const chain = new Chain(
    TEST_CHAIN,
    { ...testGenesis, params: { ...SIM_PARAMS, maxTxBytes: limit } },
    ed25519Scheme,
    new MemoryBlockStore(),
  )
  chain.replay()

  it('the pool refuses a transaction over the limit, with the sizes', () => {
    const pool = new Mempool(chain.ctx)
    expect(rejectionCode(() => pool.add(transfer('ab'.repeat(20)), chain.state))).toBe('oversized')
    expect(pool.size).toBe(0)
  })

  it('a block built with one leaves it out, so that no validator refuses the block', () => {
    const block = chain.buildBlock({
      signer: sender.signer,
      plot: sender.plot,
      location: { peerId: sender.peerId, addrs: [] },
      txs: [transfer('cd'.repeat(20))],
      evidence: [],
      lastCommit: null,
      timeMs: 1,
    })
    expect(block.txs).toEqual([])
    expect(() => chain.validateBlock(block, { nowMs: 1, forCommit: false })).not.toThrow()
  })
})
