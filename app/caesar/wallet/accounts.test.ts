/**
 * Accounts come from the recovery words alone: the same words give the same accounts (restore works), other
 * words or another index give others, and the derivation is pinned so that a change to it cannot pass
 * unnoticed (it would lose every wallet's funds).
 */
import { describe, expect, it } from 'vitest'
import { falcon1024Scheme } from '../../consensus'
import { accountKeySeed, deriveAccount, MAX_WALLET_ACCOUNTS, walletSeed } from './accounts'

const ZEROS = `${'abandon '.repeat(23)}art`
const ONES = `${'zoo '.repeat(23)}vote`
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

describe('wallet accounts', () => {
  it('are the same from the same words, and differ by words and by index', () => {
    const seed = walletSeed(ZEROS)
    const first = deriveAccount(seed, 0)
    expect(deriveAccount(walletSeed(ZEROS), 0)).toEqual(first)
    expect(deriveAccount(seed, 1).address).not.toBe(first.address)
    expect(deriveAccount(walletSeed(ONES), 0).address).not.toBe(first.address)
    expect(first.address).toMatch(/^[0-9a-f]{40}$/)
  })

  it('sign with keys the ledger verifies', () => {
    const account = deriveAccount(walletSeed(ONES), 3)
    const message = new TextEncoder().encode('pay 5 CAESAR')
    const signature = falcon1024Scheme.sign(message, account.secretKey)
    expect(falcon1024Scheme.verify(signature, message, account.publicKey)).toBe(true)
  })

  it('derive from a pinned key seed (HKDF-SHA512 of the BIP39 seed, label hypermesh/wallet/v1)', () => {
    // A change here changes every wallet's accounts. The BIP39 seed is the spec's (no passphrase).
    expect(hex(walletSeed(ZEROS)).slice(0, 32)).toBe('408b285c123836004f4b8842c89324c1')
    expect(hex(accountKeySeed(walletSeed(ZEROS), 0))).toBe(PINNED_KEY_SEED_0)
    expect(accountKeySeed(walletSeed(ZEROS), 0)).toHaveLength(48)
  })

  it('refuses an index outside 0 to 999', () => {
    const seed = walletSeed(ZEROS)
    for (const index of [-1, 1.5, MAX_WALLET_ACCOUNTS])
      expect(() => accountKeySeed(seed, index)).toThrow(/an account index is a whole number from 0 to 999/)
  })
})

/** Computed apart from this code, with node:crypto's own HKDF over the BIP39 seed. */
const PINNED_KEY_SEED_0 =
  '0a0816c3c2fb2b772c00dee14391b9b3608c7a38548bf6db8881da1754042fa7ea3c663479c76a8ae2a85a025110c94f'
