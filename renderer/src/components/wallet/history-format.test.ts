import { describe, expect, it } from 'vitest'
import type { ChainStatus } from '../../../../shared/api'
import { sampleAddresses } from '../../testing/sample-wallet'
import {
  chosenAccount,
  historyAccounts,
  historyKindLabel,
  historyStatusLabel,
  isZeroAmount,
  knownNames,
  signedCaesar,
  toggleCategory,
  withNextStep,
} from './history-format'

const [MINE, THEIRS] = sampleAddresses as [string, string]
const NODE = 'ab'.repeat(20)

const chain = (address = NODE): ChainStatus => ({
  available: true,
  chainId: 'e'.repeat(64),
  height: 50,
  lastBlockHash: 'f'.repeat(64),
  lastBlockTimeMs: 1_700_000_000_000,
  role: 'validator',
  self: { address, balance: '5000000', bonded: '0', nonce: 0 },
  validators: 1,
  scheme: 'falcon-1024',
  minFee: '10',
  minValidatorStake: '1000000000',
  blockIntervalMs: 1000,
  pendingTxs: 0,
  ownTxs: [],
})

describe('history words', () => {
  it('names each kind as a person would say what happened', () => {
    expect(historyKindLabel('transfer')).toBe('Transfer')
    expect(historyKindLabel('order-buy')).toBe('Buy order')
    expect(historyKindLabel('order-sell')).toBe('Sell order')
    expect(historyKindLabel('lease-release')).toBe('Payment released')
    expect(historyKindLabel('reward')).toBe('Epoch reward')
    expect(historyKindLabel('unbonded')).toBe('Stake released')
    expect(historyKindLabel('slashed')).toBe('Slashed')
    expect(historyKindLabel('job-escrow')).toBe('Job escrow')
  })

  it('reads a kind it does not know yet as its name', () => {
    expect(historyKindLabel('storage-proof')).toBe('Storage proof')
    expect(historyKindLabel('')).toBe('Unknown')
  })

  it('says pending, or the block that committed the entry', () => {
    expect(historyStatusLabel({ status: 'pending', height: null })).toBe('Pending')
    expect(historyStatusLabel({ status: 'committed', height: 42 })).toBe('Block 42')
  })

  it('shows signed amounts in CAESAR with their sign', () => {
    expect(signedCaesar('2500000')).toBe('+2.5 CAESAR')
    expect(signedCaesar('-1000010')).toBe('-1.00001 CAESAR')
    expect(signedCaesar('0')).toBe('0 CAESAR')
    expect(signedCaesar('-0')).toBe('0 CAESAR')
    expect(isZeroAmount('0')).toBe(true)
    expect(isZeroAmount('-10')).toBe(false)
  })

  it('turns a category filter on and off', () => {
    expect(toggleCategory([], 'sent')).toEqual(['sent'])
    expect(toggleCategory(['sent', 'trades'], 'sent')).toEqual(['trades'])
  })

  it('adds what to do after the node’s message, with one full stop', () => {
    expect(withNextStep('no handler', 'Try again.')).toBe('no handler. Try again.')
    expect(withNextStep('Refused.', 'Try again.')).toBe('Refused. Try again.')
  })
})

describe('the accounts the history can show', () => {
  const wallet = [
    { index: 0, address: MINE, balance: '1' },
    { index: 1, address: THEIRS, balance: null },
  ]

  it('lists the wallet’s accounts, then the node’s own once it follows a chain', () => {
    expect(historyAccounts(wallet, chain())).toEqual([
      { address: MINE, label: 'Account 1 · 3f9a0c2e…' },
      { address: THEIRS, label: 'Account 2 · a07c4e19…' },
      { address: NODE, label: 'This node · abababab…' },
    ])
    expect(historyAccounts(wallet, null).map((a) => a.address)).toEqual([MINE, THEIRS])
    expect(historyAccounts([], { available: false, reason: 'no chain yet' })).toEqual([])
  })

  it('lists the node’s account once when the wallet holds it too', () => {
    expect(historyAccounts(wallet, chain(MINE)).map((a) => a.address)).toEqual([MINE, THEIRS])
  })

  it('keeps the account shown while it is offered, and otherwise shows the first', () => {
    const offered = historyAccounts(wallet, chain())
    expect(chosenAccount(NODE, offered)).toBe(NODE)
    expect(chosenAccount(null, offered)).toBe(MINE)
    expect(chosenAccount('00'.repeat(20), offered)).toBe(MINE)
    expect(chosenAccount(null, [])).toBeNull()
  })

  it('names the addresses it knows: contacts by name, this node’s own accounts by their label', () => {
    const own = historyAccounts(wallet, chain())
    const names = knownNames(own, [
      { name: 'Alice', address: 'cd'.repeat(20) },
      { name: 'Me again', address: MINE },
    ])
    expect(names.get('cd'.repeat(20))).toBe('Alice')
    expect(names.get(MINE)).toBe('Account 1 · 3f9a0c2e…')
    expect(names.get(NODE)).toBe('This node · abababab…')
  })
})
