/**
 * The person's wallet on this node: made or restored from 24 recovery words, kept in one sealed file
 * (keystore.ts), unlocked with its passphrase to sign, locked again on request or when the node stops.
 * Every change is written only after it has fully succeeded (the file port writes durably and atomically),
 * so a wrong passphrase, bad words or a damaged backup leave the wallet on disk as it was.
 */
import { formatCaesar } from '../../../shared/chain-schemas'
import type {
  WalletBackup,
  WalletCreated,
  WalletImportRequest,
  WalletRestoreRequest,
  WalletSendPreview,
  WalletSendRequest,
  WalletSent,
  WalletStatus,
  WordsCheck,
} from '../../../shared/wallet-schemas'
import { fromBase64, toBase64 } from '../../consensus'
import { deriveAccount, MAX_WALLET_ACCOUNTS, walletSeed, type WalletAccount } from './accounts'
import { openWallet, passphraseProblem, readWalletHeader, sealWallet, WalletFileError } from './keystore'
import { createMnemonic, entropyOf, mnemonicOf, mnemonicProblem, type MnemonicProblem } from './mnemonic'

/** Where the wallet file lives: the node writes it durably (fsync, then rename), never in part. */
export interface WalletFilePort {
  read(): Uint8Array | null
  write(bytes: Uint8Array): void
}

/** The active network's ledger as the wallet uses it. */
export interface WalletLedger {
  readonly minFee: bigint
  balance(address: string): bigint
  /** Signs a transfer with `keys` and submits it; throws with the pool's reason when it is refused. */
  transfer(
    keys: { publicKey: Uint8Array; secretKey: Uint8Array },
    transfer: { to: string; amount: string; fee: string },
  ): { txId: string; nonce: number; status: 'pending' }
}

export interface WalletParts {
  file: WalletFilePort
  /** The active network's ledger; null while the node has none. */
  ledger(): WalletLedger | null
  now?: () => number
  /** scrypt cost for files this node seals (default 2^17); tests make it cheaper. */
  cost?: number
}

export type WalletRequestCode = 'bad-request' | 'not-found' | 'conflict' | 'locked'

export class WalletRequestError extends Error {
  constructor(
    readonly code: WalletRequestCode,
    message: string,
  ) {
    super(message)
    this.name = 'WalletRequestError'
  }
}

const EXISTS =
  'this node already keeps a wallet; to put another in its place, restore or import it with “replace” (write down the current words first)'

const NO_LEDGER = 'this node has no ledger yet; wait for it to sync with its network'
const caesar = (units: bigint | string): string => `${formatCaesar(units.toString())} CAESAR`

export class WalletService {
  private unlocked: { mnemonic: string; accounts: WalletAccount[] } | null = null

  constructor(private readonly parts: WalletParts) {}

  private get now(): number {
    return (this.parts.now ?? Date.now)()
  }

  status(): WalletStatus {
    const bytes = this.parts.file.read()
    if (bytes == null) return { exists: false, locked: true, accounts: [], createdAt: null }
    const header = headerOf(bytes)
    return {
      exists: true,
      locked: this.unlocked == null,
      accounts: header.accounts.map(({ index, address }) => ({
        index,
        address,
        balance: this.parts.ledger()?.balance(address).toString() ?? null,
      })),
      createdAt: header.createdAt,
    }
  }

  checkWords(words: string): WordsCheck {
    const problem = mnemonicProblem(words)
    return { problem: problem == null ? null : wordsProblem(problem) }
  }

  /** A new wallet: its words are returned once, for the person to write down. */
  async create(passphrase: string): Promise<WalletCreated> {
    if (this.parts.file.read() != null) throw new WalletRequestError('conflict', EXISTS)
    const words = createMnemonic()
    await this.keep(words, passphrase, [0])
    return { words, status: this.status() }
  }

  async restore(request: WalletRestoreRequest): Promise<WalletStatus> {
    const problem = mnemonicProblem(request.words)
    if (problem != null) throw new WalletRequestError('bad-request', problem.message)
    if (this.parts.file.read() != null && request.replace !== true)
      throw new WalletRequestError('conflict', EXISTS)
    await this.keep(mnemonicOf(entropyOf(request.words)), request.passphrase, [0])
    return this.status()
  }

  async unlock(passphrase: string): Promise<WalletStatus> {
    const { mnemonic, header } = await this.open(passphrase)
    this.remember(
      mnemonic,
      header.accounts.map((a) => a.index),
    )
    return this.status()
  }

  lock(): WalletStatus {
    this.forget()
    return this.status()
  }

  async changePassphrase(current: string, next: string): Promise<WalletStatus> {
    const { mnemonic, header } = await this.open(current)
    await this.keep(
      mnemonic,
      next,
      header.accounts.map((a) => a.index),
    )
    return this.status()
  }

  /** One more account, derived from the same words (the file is sealed again with it listed). */
  async addAccount(passphrase: string): Promise<WalletStatus> {
    const { mnemonic, header } = await this.open(passphrase)
    const indexes = header.accounts.map((a) => a.index)
    const next = Math.max(...indexes) + 1
    if (next >= MAX_WALLET_ACCOUNTS)
      throw new WalletRequestError('bad-request', `a wallet has at most ${MAX_WALLET_ACCOUNTS} accounts`)
    await this.keep(mnemonic, passphrase, [...indexes, next])
    return this.status()
  }

  /** The wallet file itself: sealed, so it is safe to keep anywhere; its passphrase opens it. */
  exportBackup(): WalletBackup {
    const bytes = this.parts.file.read()
    if (bytes == null) throw new WalletRequestError('not-found', 'this node keeps no wallet yet')
    const first = headerOf(bytes).accounts[0]!.address
    return { fileName: `hypermesh-wallet-${first.slice(0, 8)}.json`, data: toBase64(bytes) }
  }

  /** A backup file, kept as it is once its passphrase opens it. */
  async importBackup(request: WalletImportRequest): Promise<WalletStatus> {
    let bytes: Uint8Array
    try {
      bytes = fromBase64(request.data)
    } catch {
      throw new WalletRequestError('bad-request', 'the backup is not base64')
    }
    const { mnemonic, header } = await openChecked(bytes, request.passphrase)
    if (this.parts.file.read() != null && request.replace !== true)
      throw new WalletRequestError('conflict', EXISTS)
    this.parts.file.write(bytes)
    this.remember(
      mnemonic,
      header.accounts.map((a) => a.index),
    )
    return this.status()
  }

  /** What sending would do: the fee, the balance before and after, and why it could not be sent. */
  previewSend(request: WalletSendRequest): WalletSendPreview {
    const ledger = this.parts.ledger()
    if (ledger == null) return { fee: '0', balance: '0', balanceAfter: null, problems: [NO_LEDGER] }
    const fee = BigInt(request.fee ?? ledger.minFee)
    const balance = ledger.balance(request.from)
    const need = BigInt(request.amount) + fee
    const problems: string[] = []
    if (request.to === request.from) problems.push('that is the account it would be sent from')
    if (fee < ledger.minFee)
      problems.push(`the fee is below this network's minimum of ${caesar(ledger.minFee)}`)
    if (balance < need)
      problems.push(
        `this account holds ${caesar(balance)}; sending ${caesar(request.amount)} with the fee of ${caesar(fee)} needs ${caesar(need)}: ${caesar(need - balance)} short`,
      )
    return {
      fee: fee.toString(),
      balance: balance.toString(),
      balanceAfter: balance < need ? null : (balance - need).toString(),
      problems,
    }
  }

  /** Signs a transfer with one of the wallet's accounts and submits it; it is pending until committed. */
  send(request: WalletSendRequest): WalletSent {
    const keys = this.keysOf(request.from)
    const ledger = this.parts.ledger()
    const preview = this.previewSend(request)
    if (ledger == null || preview.problems.length > 0)
      throw new WalletRequestError('bad-request', preview.problems.join('; '))
    const sent = ledger.transfer(keys, { to: request.to, amount: request.amount, fee: preview.fee })
    return { ...sent, balanceAfter: preview.balanceAfter! }
  }

  /** The keys of `address`, for signing; refused while the wallet is locked. */
  keysOf(address: string): { publicKey: Uint8Array; secretKey: Uint8Array } {
    if (this.unlocked == null)
      throw new WalletRequestError('locked', 'the wallet is locked; unlock it with its passphrase first')
    const account = this.unlocked.accounts.find((a) => a.address === address)
    if (account == null)
      throw new WalletRequestError('not-found', `${address} is not an account of this wallet`)
    return { publicKey: account.publicKey, secretKey: account.secretKey }
  }

  private async open(passphrase: string): ReturnType<typeof openWallet> {
    const bytes = this.parts.file.read()
    if (bytes == null) throw new WalletRequestError('not-found', 'this node keeps no wallet yet')
    return openChecked(bytes, passphrase)
  }

  /** Seals `mnemonic` with `accounts` listed, writes the file, and keeps the wallet unlocked. */
  private async keep(mnemonic: string, passphrase: string, accounts: number[]): Promise<void> {
    const problem = passphraseProblem(passphrase)
    if (problem != null) throw new WalletRequestError('bad-request', problem)
    const seed = walletSeed(mnemonic)
    const derived = accounts.map((index) => deriveAccount(seed, index))
    const bytes = await sealWallet(entropyOf(mnemonic), passphrase, {
      accounts: derived,
      now: this.now,
      cost: this.parts.cost,
    })
    this.parts.file.write(bytes)
    this.forget()
    this.unlocked = { mnemonic, accounts: derived }
  }

  private remember(mnemonic: string, indexes: number[]): void {
    const seed = walletSeed(mnemonic)
    this.forget()
    this.unlocked = { mnemonic, accounts: indexes.map((index) => deriveAccount(seed, index)) }
  }

  /** Locks: the secret keys are overwritten (the words are a string, which JavaScript cannot wipe). */
  private forget(): void {
    for (const account of this.unlocked?.accounts ?? []) account.secretKey.fill(0)
    this.unlocked = null
  }
}

/** The header of the file on disk; a damaged file is said to be so, with what to do. */
function headerOf(bytes: Uint8Array): ReturnType<typeof readWalletHeader> {
  try {
    return readWalletHeader(bytes)
  } catch (err) {
    if (!(err instanceof WalletFileError)) throw err
    throw new WalletRequestError(
      'bad-request',
      `this node's wallet file cannot be read (${err.message}); import a backup or restore from the recovery words, with “replace”`,
    )
  }
}

async function openChecked(bytes: Uint8Array, passphrase: string): ReturnType<typeof openWallet> {
  try {
    return await openWallet(bytes, passphrase)
  } catch (err) {
    if (err instanceof WalletFileError) throw new WalletRequestError('bad-request', err.message)
    throw err
  }
}

function wordsProblem(problem: MnemonicProblem): NonNullable<WordsCheck['problem']> {
  switch (problem.kind) {
    case 'count':
      return { kind: problem.kind, message: problem.message, position: null, suggestions: [] }
    case 'unknown-word':
      return {
        kind: problem.kind,
        message: problem.message,
        position: problem.position,
        suggestions: problem.suggestions.map((word) => ({ position: problem.position, word })),
      }
    case 'checksum':
      return { kind: problem.kind, message: problem.message, position: null, suggestions: problem.candidates }
  }
}
