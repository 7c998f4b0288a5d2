/**
 * Issue 17, items 9 and 10: one funded account could pin the pool with future-nonce transactions (no cap
 * per sender, no bound on the nonce gap, kept by pruning for ever), and the pool verified a signature
 * before it knew whether the account existed.
 */
import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { rejectionCode, TEST_CHAIN, testGenesis, testTransfer } from '../../test/support/ledger-fixture'
import { Chain } from './chain'
import { applyTx, beginBlock } from './execute'
import { MemoryBlockStore } from './memory-store'
import { Mempool, type MempoolLimits } from './mempool'
import type { GenesisConsensus } from './params'
import type { SignatureScheme } from './signature-scheme'
import { addressOf, type SignedTx } from './tx'

const senders = Array.from({ length: 3 }, (_, i) => {
  const keys = ed25519Scheme.keygen(new Uint8Array(32).fill(50 + i))
  return { ...keys, address: addressOf(ed25519Scheme, keys.publicKey) }
})
type Sender = (typeof senders)[number]
const genesis: GenesisConsensus = {
  ...testGenesis,
  balances: senders.map((s) => ({ address: s.address, amount: '1000000' })),
}

const transfer = (from: Sender, nonce: number): SignedTx => testTransfer(nonce, from)

function newPool(limits: Partial<MempoolLimits> = {}, scheme: SignatureScheme = ed25519Scheme) {
  let now = 0
  const chain = new Chain(TEST_CHAIN, genesis, scheme, new MemoryBlockStore())
  const mempool = new Mempool(chain.ctx, limits, () => now)
  return { chain, mempool, advance: (ms: number) => (now += ms) }
}

/** Ed25519 that counts its verifications. */
function countingScheme() {
  let verified = 0
  const scheme: SignatureScheme = {
    ...ed25519Scheme,
    verify: (...args) => (verified++, ed25519Scheme.verify(...args)),
  }
  return { scheme, verified: () => verified }
}

describe('one account cannot pin the pool', () => {
  const [hog, other] = senders as [Sender, Sender, Sender]

  it('refuses nonces further ahead than the gap, and more than the per-sender cap', () => {
    const { chain, mempool } = newPool()
    const { maxNonceGap, perSender } = mempool.limits
    // The attack: nonce 0 is never sent, so none of these can ever apply.
    const far = transfer(hog, maxNonceGap + 1)
    expect(rejectionCode(() => mempool.add(far, chain.state))).toBe('wrong-nonce')
    for (let n = 1; n <= maxNonceGap; n++) mempool.add(transfer(hog, n), chain.state)
    expect(mempool.size).toBe(maxNonceGap)
    expect(perSender).toBeLessThanOrEqual(maxNonceGap + 1)
    mempool.add(transfer(hog, 0), chain.state)
    expect(mempool.size).toBe(perSender)
    expect(mempool.add(transfer(other, 0), chain.state)).toBe(true)
  })

  it('refuses a sender’s transactions beyond its share of the pool', () => {
    const { chain, mempool } = newPool({ perSender: 4, maxNonceGap: 10 })
    for (let n = 0; n < 4; n++) mempool.add(transfer(hog, n), chain.state)
    expect(rejectionCode(() => mempool.add(transfer(hog, 4), chain.state))).toBe('oversized')
    expect(mempool.add(transfer(other, 0), chain.state)).toBe(true)
  })

  it('a second transaction with a waiting one’s nonce is refused as a duplicate', () => {
    const { chain, mempool } = newPool()
    mempool.add(transfer(hog, 0), chain.state)
    expect(rejectionCode(() => mempool.add(testTransfer(0, hog, { amount: '2' }), chain.state))).toBe(
      'duplicate',
    )
  })

  it('a full pool evicts the furthest-ahead transaction of the sender holding the most', () => {
    const { chain, mempool } = newPool({ capacity: 8, perSender: 8, maxNonceGap: 20 })
    for (let n = 1; n <= 8; n++) mempool.add(transfer(hog, n), chain.state)
    expect(mempool.size).toBe(8)
    expect(rejectionCode(() => mempool.add(transfer(hog, 9), chain.state))).toBe('oversized')
    expect(mempool.add(transfer(other, 0), chain.state)).toBe(true)
    expect(mempool.size).toBe(8)
    expect(mempool.pending(10).map((t) => [t.body.from, t.body.nonce])).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => [hog.address, n]),
      [other.address, 0],
    ])
    // Once the senders hold equal shares nobody is evicted for a newcomer that would not be fairer.
    for (let n = 1; n <= 3; n++) mempool.add(transfer(other, n), chain.state)
    expect(rejectionCode(() => mempool.add(transfer(other, 4), chain.state))).toBe('oversized')
  })

  it('drops what has waited longer than the limit, and pruning no longer keeps future nonces', () => {
    const { chain, mempool, advance } = newPool({ ttlMs: 60_000 })
    mempool.add(transfer(hog, 5), chain.state)
    advance(30_000)
    mempool.add(transfer(other, 0), chain.state)
    mempool.prune(chain.state)
    expect(mempool.size).toBe(2)
    advance(30_000)
    mempool.prune(chain.state)
    expect(mempool.pending(10).map((t) => t.body.from)).toEqual([other.address])
    advance(30_000)
    expect(mempool.pending(10)).toEqual([])
    expect(mempool.hasReady(chain.state)).toBe(false)
  })
})

describe('the pool checks the cheap things before the signature', () => {
  it('an unknown account, a used or far nonce, a low fee are refused without verifying anything', () => {
    const counting = countingScheme()
    const { chain, mempool } = newPool({}, counting.scheme)
    const stranger = ed25519Scheme.keygen(new Uint8Array(32).fill(7))
    const unknown = { ...stranger, address: addressOf(ed25519Scheme, stranger.publicKey) }
    const forged = (tx: SignedTx): SignedTx => ({ ...tx, signature: transfer(senders[2]!, 9).signature })
    expect(rejectionCode(() => mempool.add(forged(transfer(unknown, 0)), chain.state))).toBe(
      'unknown-account',
    )
    const state = chain.state.copy()
    state.accounts.set(senders[0]!.address, { ...state.account(senders[0]!.address)!, nonce: 5 })
    expect(rejectionCode(() => mempool.add(forged(transfer(senders[0]!, 4)), state))).toBe('wrong-nonce')
    expect(rejectionCode(() => mempool.add(forged(transfer(senders[0]!, 500)), state))).toBe('wrong-nonce')
    const lowFee = { ...genesis.params, minFee: '5' }
    const strict = new Mempool({ ...chain.ctx, params: lowFee }, {}, () => 0)
    expect(rejectionCode(() => strict.add(forged(transfer(senders[0]!, 6)), state))).toBe('fee-too-low')
    expect(counting.verified()).toBe(0)
    expect(rejectionCode(() => mempool.add(forged(transfer(senders[0]!, 5)), state))).toBe('bad-signature')
    expect(counting.verified()).toBe(1)
  })
})

describe('block execution checks the state before the signature', () => {
  it('a transaction from an unknown account, or with a used nonce, is refused without a signature check', () => {
    const counting = countingScheme()
    const { chain } = newPool({}, counting.scheme)
    const ctx = chain.ctx
    const stranger = ed25519Scheme.keygen(new Uint8Array(32).fill(8))
    const unknown = { ...stranger, address: addressOf(ed25519Scheme, stranger.publicKey) }
    const state = beginBlock(chain.state, 1, 1, ctx.params)
    expect(rejectionCode(() => applyTx(state, transfer(unknown, 0), ctx, unknown.address))).toBe(
      'unknown-account',
    )
    expect(rejectionCode(() => applyTx(state, transfer(senders[0]!, 3), ctx, unknown.address))).toBe(
      'wrong-nonce',
    )
    expect(counting.verified()).toBe(0)
  })
})
