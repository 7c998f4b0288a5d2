import { describe, expect, it } from 'vitest'
import { ApiError, type BlockSummary, type ChainStatus } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge } from '../testing/fake-bridge'
import { alwaysVisible } from './polling'
import { RECENT_BLOCKS } from './chain-slice'
import { createHyperMeshStore } from './store'

const SELF = 'ab'.repeat(20)
const OTHER = 'cd'.repeat(20)

const status = (height: number, balance = '5000000'): ChainStatus => ({
  available: true,
  chainId: 'e'.repeat(64),
  height,
  lastBlockHash: 'f'.repeat(64),
  lastBlockTimeMs: 1_700_000_000_000,
  role: 'validator',
  self: { address: SELF, balance, bonded: '1000000000', nonce: 0 },
  validators: 1,
  scheme: 'falcon-1024',
  minFee: '10',
  minValidatorStake: '1000000000',
  blockIntervalMs: 1000,
  pendingTxs: 0,
  ownTxs: [],
})

const block = (height: number): BlockSummary => ({
  height,
  hash: height.toString(16).padStart(64, '0'),
  timeMs: 1_700_000_000_000 + height,
  proposer: SELF,
  txCount: 0,
  evidenceCount: 0,
  commitVotes: 1,
  proofs: {
    time: { squarings: 20000 },
    space: { challenges: 8, peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN' },
    work: { difficultyBits: 12 },
    stake: { address: SELF },
  },
})

function chainBridge() {
  const transfers: unknown[] = []
  const bridge = createFakeBridge({
    'chain.status': () => status(3),
    'chain.blocks': () => [block(3), block(2), block(1)],
    'chain.validators': () => [
      {
        address: SELF,
        peerId: block(1).proofs.space.peerId,
        stake: '1000000000',
        share: 1,
        jailed: false,
        isSelf: true,
      },
    ],
    'chain.transfer': (params) => {
      transfers.push(params)
      if (params.amount === '999000000') throw new ApiError('BAD_REQUEST', 'the balance is 5000000 units')
      return { txId: '1'.repeat(64), nonce: transfers.length - 1, status: 'pending' as const }
    },
    'chain.verifyBlock': ({ height }) =>
      height === 2
        ? { height, ok: false, failure: 'PoSpace: an answer does not lead to the committed root', ms: 4 }
        : { height, ok: true, failure: null, ms: 3 },
  })
  const store = createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible })
  return { bridge, store, transfers }
}

describe('chain view state', () => {
  it('reads status, blocks and validators, and shows why a network has no chain', async () => {
    const { bridge, store } = chainBridge()
    await store.getState().actions.refreshChain()
    expect(store.getState().chain.blocks.map((b) => b.height)).toEqual([3, 2, 1])
    expect(store.getState().chain.validators).toHaveLength(1)
    bridge.handle('chain.status', () => ({ available: false, reason: 'made before the ledger' }))
    await store.getState().actions.refreshChain()
    expect(store.getState().chain.status).toEqual({ available: false, reason: 'made before the ledger' })
    expect(store.getState().chain.blocks).toEqual([])
  })

  it('puts a committed block from an event on top, once, and keeps only the latest', async () => {
    const { store } = chainBridge()
    await store.getState().actions.refreshChain()
    const { actions } = store.getState()
    actions.addBlock(block(4))
    actions.addBlock(block(4))
    expect(store.getState().chain.blocks.map((b) => b.height)).toEqual([4, 3, 2, 1])
    for (let h = 5; h < 30; h++) actions.addBlock(block(h))
    expect(store.getState().chain.blocks).toHaveLength(RECENT_BLOCKS)
    expect(store.getState().chain.blocks[0]!.height).toBe(29)
  })

  it('refuses a bad form before calling the node, and converts CAESAR to units exactly', async () => {
    const { store, transfers } = chainBridge()
    const { actions } = store.getState()
    for (const [to, amount, fee, reason] of [
      ['nope', '1', '', /40 hex/],
      [OTHER, '0', '', /above 0/],
      [OTHER, '1.1234567', '', /six decimals/],
      [OTHER, '-3', '', /above 0/],
      [OTHER, '1', 'x', /fee/],
    ] as const) {
      expect(await actions.transfer(to, amount, fee)).toBe(false)
      expect(store.getState().chain.transferError?.message).toMatch(reason)
    }
    expect(transfers).toEqual([])
    expect(await actions.transfer(` ${OTHER} `, '2.5', '0.00002')).toBe(true)
    expect(transfers).toEqual([{ to: OTHER, amount: '2500000', fee: '20' }])
    expect(store.getState().chain.lastTransfer).toEqual({ txId: '1'.repeat(64), nonce: 0, status: 'pending' })
    expect(store.getState().chain.transferError).toBeNull()
  })

  it('shows the node’s refusal of a transfer as it was given', async () => {
    const { store } = chainBridge()
    expect(await store.getState().actions.transfer(OTHER, '999', '')).toBe(false)
    expect(store.getState().chain.transferError).toEqual({
      code: 'BAD_REQUEST',
      message: 'the balance is 5000000 units',
    })
    expect(store.getState().chain.transferring).toBe(false)
  })

  it('stakes CAESAR as units, refuses a bad amount before calling the node, and shows a refused join', async () => {
    const { bridge, store } = chainBridge()
    const staked: unknown[] = []
    bridge.handle(
      'chain.stake',
      (params) => (staked.push(params), { txId: '2'.repeat(64), nonce: 1, status: 'pending' as const }),
    )
    bridge.handle('chain.joinValidators', () => {
      throw new ApiError('BAD_REQUEST', 'validators bond at least 1000000000; you have 0')
    })
    const { actions } = store.getState()
    expect(await actions.stakeAction('stake', '-1')).toBe(false)
    expect(store.getState().chain.stakeError?.message).toMatch(/above 0/)
    expect(await actions.stakeAction('stake', '1000')).toBe(true)
    expect(staked).toEqual([{ amount: '1000000000' }])
    expect(store.getState().chain.lastStake).toBe('stake')
    expect(await actions.stakeAction('join', '')).toBe(false)
    expect(store.getState().chain.stakeError?.message).toMatch(/validators bond at least/)
    expect(store.getState().chain.staking).toBe(false)
  })

  it('keeps each block’s re-verification result, valid or naming the failed proof', async () => {
    const { store } = chainBridge()
    await store.getState().actions.verifyBlock(1)
    await store.getState().actions.verifyBlock(2)
    const { checks } = store.getState().chain
    expect(checks[1]).toMatchObject({ ok: true })
    expect(checks[2]).toMatchObject({ ok: false, failure: expect.stringMatching(/^PoSpace/) })
  })
})
