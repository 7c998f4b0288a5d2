/**
 * The wallet's accounts, derived from its recovery words alone, so that restoring the words restores every
 * account (docs/caesar.md, "Accounts and their derivation"):
 *
 *   seed       = BIP39 seed of the mnemonic (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic", no passphrase)
 *   key seed i = HKDF-SHA512(ikm = seed, salt = "hypermesh/wallet/v1",
 *                            info = "falcon-1024 account" ‖ i as 4 bytes big-endian, length 48)
 *   account i  = FALCON-1024 key pair generated from key seed i; its address is the ledger's address of
 *                its public key (app/consensus tx.ts addressOf)
 *
 * The label is versioned: a later derivation gets a new label, never a changed meaning for this one.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { mnemonicToSeedSync } from '@scure/bip39'
import { addressOf, falcon1024Scheme } from '../../consensus'

export const WALLET_DERIVATION_SALT = 'hypermesh/wallet/v1'
const ACCOUNT_INFO = 'falcon-1024 account'
/** Accounts a wallet may have (indexes 0 to this − 1). */
export const MAX_WALLET_ACCOUNTS = 1000

export interface WalletAccount {
  index: number
  address: string
  publicKey: Uint8Array
  secretKey: Uint8Array
}

const utf8 = new TextEncoder()

/** The 64-byte BIP39 seed of `mnemonic` (its words, already checked: mnemonic.ts). */
export const walletSeed = (mnemonic: string): Uint8Array => mnemonicToSeedSync(mnemonic)

/** The 48-byte FALCON-1024 key-generation seed of account `index`. */
export function accountKeySeed(seed: Uint8Array, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_WALLET_ACCOUNTS)
    throw new RangeError(`an account index is a whole number from 0 to ${MAX_WALLET_ACCOUNTS - 1}`)
  const info = new Uint8Array(ACCOUNT_INFO.length + 4)
  info.set(utf8.encode(ACCOUNT_INFO))
  new DataView(info.buffer).setUint32(ACCOUNT_INFO.length, index)
  return hkdf(sha512, seed, utf8.encode(WALLET_DERIVATION_SALT), info, falcon1024Scheme.seedBytes)
}

/** Account `index` of the wallet whose BIP39 seed is `seed`. */
export function deriveAccount(seed: Uint8Array, index: number): WalletAccount {
  const keys = falcon1024Scheme.keygen(accountKeySeed(seed, index))
  return { index, address: addressOf(falcon1024Scheme, keys.publicKey), ...keys }
}
