import { describe, expect, it } from 'vitest'
import type { ChainStatus } from '../../../../shared/api'
import { sampleNodeAddress, samplePreview } from '../../testing/sample-exchange'
import { noWallet, sampleAddresses, sampleWallet } from '../../testing/sample-wallet'
import { draftOf, initialOrderFields, LOCKED_ACCOUNT, placeBlocker, signingAccounts } from './order-form'

const fields = (over: Partial<typeof initialOrderFields>) => ({ ...initialOrderFields, ...over })

describe('the order the form makes', () => {
  it('takes the price in CAESAR and sends it in base units, signed by the node when no account is picked', () => {
    expect(draftOf(fields({ price: '1.25', quantity: '3' }), 'gpu')).toEqual({
      draft: { market: 'gpu', side: 'buy', price: '1250000', quantity: '3' },
      problem: null,
    })
  })

  it('names the picked wallet account as the signer', () => {
    const { draft } = draftOf(
      fields({ side: 'sell', price: '2', quantity: '1', from: sampleAddresses[0]! }),
      'cpu',
    )
    expect(draft).toEqual({
      market: 'cpu',
      side: 'sell',
      price: '2000000',
      quantity: '1',
      from: sampleAddresses[0],
    })
  })

  it('makes none while empty, and says what is wrong with a price or quantity', () => {
    expect(draftOf(initialOrderFields, 'cpu')).toEqual({ draft: null, problem: null })
    expect(draftOf(fields({ price: '0', quantity: '1' }), 'cpu').problem).toMatch(/price above 0/)
    expect(draftOf(fields({ price: '0.0000001', quantity: '1' }), 'cpu').problem).toMatch(/6 decimals/)
    expect(draftOf(fields({ price: '1', quantity: '1.5' }), 'cpu').problem).toMatch(/whole number/)
    expect(draftOf(fields({ price: '1', quantity: '' }), 'cpu').problem).toMatch(/quantity/)
  })
})

describe('the accounts that can sign', () => {
  const chain = {
    available: true,
    self: { address: sampleNodeAddress, balance: '5000000', bonded: '0', nonce: 0 },
  } as ChainStatus

  it('offers the node’s account first, then the wallet’s, marked while the wallet is locked', () => {
    const accounts = signingAccounts(chain, sampleWallet())
    expect(accounts).toEqual([
      { value: '', label: 'Node account c0ffee00…000001 · 5 CAESAR', locked: false },
      {
        value: sampleAddresses[0],
        label: 'Wallet account 1 3f9a0c2e…c0b1d2 · 12.5 CAESAR (locked)',
        locked: true,
      },
    ])
    expect(signingAccounts(chain, sampleWallet({ locked: false }))[1]!.locked).toBe(false)
  })

  it('offers the node’s account alone without a wallet or a ledger', () => {
    expect(signingAccounts(null, noWallet)).toEqual([{ value: '', label: 'Node account', locked: false }])
  })
})

describe('why Place is disabled', () => {
  const ready = { kind: 'ready' as const, preview: samplePreview() }
  const state = { problem: null, preview: ready, locked: false, placing: false }

  it('is enabled only with a preview that has no problems', () => {
    expect(placeBlocker(state)).toBeNull()
    expect(
      placeBlocker({
        ...state,
        preview: { kind: 'ready', preview: samplePreview({ problems: ['too many open orders'] }) },
      }),
    ).toMatch(/cannot be placed/)
    expect(placeBlocker({ ...state, preview: { kind: 'pending' } })).toBe('Waiting for the preview…')
    expect(placeBlocker({ ...state, preview: { kind: 'none' } })).toBe('Type a price and a quantity.')
  })

  it('says to unlock the wallet for a locked account, and what failed otherwise', () => {
    expect(placeBlocker({ ...state, locked: true })).toBe(LOCKED_ACCOUNT)
    expect(placeBlocker({ ...state, problem: 'Type a quantity.' })).toBe('Type a quantity.')
    expect(placeBlocker({ ...state, preview: { kind: 'failed', message: 'the wallet is locked' } })).toBe(
      `No preview: the wallet is locked. ${LOCKED_ACCOUNT}`,
    )
    expect(placeBlocker({ ...state, placing: true })).toBe('The order is being placed.')
  })
})
