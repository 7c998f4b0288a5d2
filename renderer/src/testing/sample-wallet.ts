/** A wallet in the contract's shapes, for tests and the demo page (the words are a valid BIP39 mnemonic). */
import type { WalletStatus } from '../../../shared/api'
import { SAMPLE_NOW } from './sample-data'

export const sampleWords =
  'legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title'

export const sampleAddresses = [
  '3f9a0c2e7b15d84e6a01c9f2b3d47e58a6c0b1d2',
  'a07c4e19b2d85f36c0e1a94b7d2c5f3e8a6b0d91',
]

export const sampleWallet = (over: Partial<WalletStatus> = {}): WalletStatus => ({
  exists: true,
  locked: true,
  accounts: [{ index: 0, address: sampleAddresses[0]!, balance: '12500000' }],
  createdAt: SAMPLE_NOW - 86_400_000,
  ...over,
})

export const noWallet: WalletStatus = { exists: false, locked: true, accounts: [], createdAt: null }
