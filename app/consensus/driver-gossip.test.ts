import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { TEST_CHAIN, testGenesis, testValidators } from '../../test/support/ledger-fixture'
import { Chain } from './chain'
import { toBase64 } from './codec'
import { ConsensusDriver, TX_GOSSIP_TICKS, type Clock } from './driver'
import { MemoryBlockStore } from './memory-store'
import type { ConsensusMessage } from './messages'
import { signTx } from './tx'

/** Virtual time: timers run in order as the test moves the clock on. */
function virtualClock() {
  let now = 0
  let timers: { at: number; fn: () => void }[] = []
  const clock: Clock = {
    now: () => now,
    setTimer(ms, fn) {
      const timer = { at: now + ms, fn }
      timers.push(timer)
      return () => (timers = timers.filter((t) => t !== timer))
    },
  }
  const advance = (ms: number): void => {
    const until = now + ms
    for (;;) {
      const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (next == null) break
      timers = timers.filter((t) => t !== next)
      now = next.at
      next.fn()
    }
    now = until
  }
  return { clock, advance }
}

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
