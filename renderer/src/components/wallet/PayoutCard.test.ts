/**
 * Where the node's earnings go: the card's words for it, and the store's call that changes it (signed by
 * the node, then the chain's status is read again for the account it names).
 */
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../../../shared/client'
import { alwaysVisible } from '../../store/polling'
import { createHyperMeshStore } from '../../store/store'
import { createFakeBridge } from '../../testing/fake-bridge'
import { sampleAddresses, sampleWallet } from '../../testing/sample-wallet'
import { payoutText } from './PayoutCard'

const [FIRST, SECOND] = sampleAddresses as [string, string]

describe('the Earnings card', () => {
  const accounts = sampleWallet().accounts

  it('says where the earnings go: the node itself, an account of this wallet, or another account', () => {
    expect(payoutText(undefined, accounts)).toMatch(/node's own account/)
    expect(payoutText(FIRST, accounts)).toMatch(/account 1 of this wallet/)
    expect(payoutText('d'.repeat(40), accounts)).toMatch(/does not hold/)
  })

  it('asks the node to sign the change, and reads the chain again', async () => {
    const bridge = createFakeBridge({
      'chain.setPayout': () => ({ txId: 'e'.repeat(64), nonce: 3, status: 'pending' as const }),
      'chain.status': () => ({ available: false as const, reason: 'test' }),
    })
    const store = createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible })
    const before = bridge.requests.filter((r) => r.method === 'chain.status').length
    const outcome = await store.getState().actions.setNodePayout(SECOND)
    expect(outcome.ok).toBe(true)
    expect(bridge.requests.filter((r) => r.method === 'chain.setPayout').map((r) => r.params)).toEqual([
      { to: SECOND },
    ])
    await new Promise((r) => setTimeout(r, 0))
    expect(bridge.requests.filter((r) => r.method === 'chain.status').length).toBeGreaterThan(before)
    expect(store.getState().wallet.busy).toBeNull()
  })
})
