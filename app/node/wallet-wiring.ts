/**
 * The wallet's ports, satisfied by the node: `wallet.json` and `address-book.json` in the data dir (0600,
 * written durably and whole), and the active ledger, which signs and submits a wallet account's transfer
 * like the node's own.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressBookFilePort, WalletFilePort, WalletLedger } from '../caesar'
import type { ActiveLedger } from '../consensus'
import { writeFileDurably } from './durable-file'

/** A small file of the node's own, read whole; a crash while writing leaves the old one or the new one. */
function wholeFile(path: string): WalletFilePort & AddressBookFilePort {
  return {
    read: () => (existsSync(path) ? readFileSync(path) : null),
    write: (bytes) => writeFileDurably(path, bytes, { mode: 0o600 }),
  }
}

export const walletFile = (dataDir: string): WalletFilePort => wholeFile(join(dataDir, 'wallet.json'))

export const addressBookFile = (dataDir: string): AddressBookFilePort =>
  wholeFile(join(dataDir, 'address-book.json'))

export function walletLedger(ledger: ActiveLedger): WalletLedger | null {
  const current = ledger.current()
  if (current == null) return null
  const { state, params } = current.chain
  return {
    minFee: BigInt(params.minFee),
    balance: (address) => state.account(address)?.balance ?? 0n,
    transfer: (keys, { to, amount, fee }) =>
      current.signAndSubmitAs(keys, { kind: 'transfer', to, amount }, fee),
  }
}
