import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { TEST_CHAIN, testGenesis, testValidators } from '../../test/support/ledger-fixture'
import { virtualClock } from '../../test/support/virtual-clock'
import { Chain } from './chain'
import { toBase64 } from './codec'
import { ConsensusDriver, TX_GOSSIP_TICKS } from './driver'
import { MemoryBlockStore } from './memory-store'
import type { ConsensusMessage } from './messages'
import { signTx } from './tx'

describe('the consensus driver gossips waiting transactions again', () => {
  it('an observer’s transaction whose first broadcast was lost reaches the validators later', () => {
    const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
    chain.replay()
    const sent: ConsensusMessage[] = []
    const { clock, advance } = virtualClock()
    const driver = new ConsensusDriver(chain, null, clock, { broadcast: (m) => sent.push(m), send: () => {} })
    driver.start()
    const sender = testValidators[0]!
    const tx = signTx(
      {
        kind: 'transfer',
        chainId: TEST_CHAIN,
        from: sender.address,
        publicKey: toBase64(sender.publicKey),
        nonce: 0,
        fee: testGenesis.params.minFee,
        to: 'ab'.repeat(20),
        amount: '5',
      },
      ed25519Scheme,
      sender.secretKey,
    )
    const txMessages = (): number => sent.filter((m) => m.type === 'tx').length
    driver.submit(tx)
    expect(txMessages()).toBe(1)
    advance(200 * TX_GOSSIP_TICKS - 1)
    expect(txMessages()).toBe(1)
    advance(1)
    expect(txMessages()).toBe(2)
    expect(sent.findLast((m) => m.type === 'tx')).toEqual({ type: 'tx', tx })
    advance(200 * TX_GOSSIP_TICKS)
    expect(txMessages()).toBe(3)
    driver.stop()
  })
})
