/** The wallet view's part of the store's shape: the state it holds and the actions that change it. */
import type {
  Contact,
  TransferReceipt,
  WalletSendPreview,
  WalletSendRequest,
  WalletSent,
  WalletStatus,
  WordsCheck,
} from '../../../shared/api'
import type { Outcome } from './types'

export interface WalletArea {
  /** The node's wallet: whether there is one, locked or not, its accounts; null until read. */
  status: WalletStatus | null
  /** A wallet just made, until the person has typed back some of its words; then null (the words are dropped). */
  fresh: FreshWallet | null
  /** The wallet call running now (a button shows its progress, the others wait); null when none is. */
  busy: WalletCall | null
  /** The address book the node keeps, sorted by name; null until read. */
  contacts: Contact[] | null
  /** Why the address book could not be read (its own, so that it never hides the wallet); null when it was. */
  contactsError: string | null
}

export interface FreshWallet {
  /** The 24 recovery words, in order: the node returns them this once. */
  words: string[]
  /** The 1-based positions the person is asked to type back, in ascending order. */
  confirm: number[]
}

export type WalletCall =
  | 'create'
  | 'restore'
  | 'unlock'
  | 'lock'
  | 'addAccount'
  | 'changePassphrase'
  | 'exportBackup'
  | 'importBackup'
  | 'previewSend'
  | 'send'
  | 'saveContact'
  | 'removeContact'
  | 'payout'

/** A backup as a file to save: the name the node gives it and its bytes. */
export interface WalletBackupFile {
  fileName: string
  blob: Blob
}

export interface WalletActions {
  refreshWallet(): Promise<void>
  /** Reads the wallet now and again while the view is shown (balances change with the ledger). Returns stop. */
  watchWallet(): () => void
  /** Makes a wallet; its words are kept in `wallet.fresh` until {@link confirmWords} drops them. */
  createWallet(passphrase: string): Promise<Outcome<WalletStatus>>
  /**
   * The words typed back at `fresh.confirm`'s positions, in that order: when all match, the words are
   * dropped from the store; otherwise why not (naming the positions, never the words).
   */
  confirmWords(answers: readonly string[]): Outcome<null>
  /** What is wrong with recovery words as typed, or nothing. */
  checkWords(words: string): Promise<Outcome<WordsCheck>>
  restoreWallet(words: string, passphrase: string, replace: boolean): Promise<Outcome<WalletStatus>>
  unlockWallet(passphrase: string): Promise<Outcome<WalletStatus>>
  lockWallet(): Promise<Outcome<WalletStatus>>
  addWalletAccount(passphrase: string): Promise<Outcome<WalletStatus>>
  changeWalletPassphrase(current: string, next: string): Promise<Outcome<WalletStatus>>
  exportWalletBackup(): Promise<Outcome<WalletBackupFile>>
  /** A backup file's bytes, opened with its passphrase; over an existing wallet only with `replace`. */
  importWalletBackup(bytes: Uint8Array, passphrase: string, replace: boolean): Promise<Outcome<WalletStatus>>
  /** What sending would do (fee, balance after, and why it could not be sent), before anything is signed. */
  previewWalletSend(request: WalletSendRequest): Promise<Outcome<WalletSendPreview>>
  /** Signs the transfer with the wallet's account and submits it: pending until a block commits it. */
  sendFromWallet(request: WalletSendRequest): Promise<Outcome<WalletSent>>
  /** Pays this node's earnings to `to` from the next block on (the node's own address: to itself). */
  setNodePayout(to: string): Promise<Outcome<TransferReceipt>>
  refreshWalletContacts(): Promise<void>
  /** Adds a contact, or renames the one kept at its address. */
  saveWalletContact(contact: Contact): Promise<Outcome<Contact[]>>
  removeWalletContact(address: string): Promise<Outcome<Contact[]>>
}
