/**
 * The wallet as a person uses it: made once with its words shown, locked and unlocked, its passphrase
 * changed, restored from its words, exported and imported into another node; and every wrong input (a
 * wrong passphrase, bad words, a damaged backup, a second wallet over the first) refused with nothing on
 * disk changed.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { addressOf, falcon1024Scheme } from '../../consensus'
import { deriveAccount, walletSeed } from './accounts'
import { WalletRequestError, WalletService, type WalletFilePort, type WalletLedger } from './wallet-service'

const COST = 2 ** 14
const PASS = 'a long passphrase'

function memoryFile(): WalletFilePort & { bytes: Uint8Array | null; writes: number } {
  const file = {
    bytes: null as Uint8Array | null,
    writes: 0,
    read: () => file.bytes,
    write: (bytes: Uint8Array) => {
      file.bytes = Uint8Array.from(bytes)
      file.writes++
    },
  }
  return file
}

/** A ledger of balances that keeps the transfers it is given (the node's is the real one). */
function fakeLedger() {
  const balances = new Map<string, bigint>()
  const sent: { from: string; to: string; amount: string; fee: string }[] = []
  const ledger: WalletLedger & { balances: typeof balances; sent: typeof sent } = {
    minFee: 10n,
    balances,
    sent,
    balance: (address) => balances.get(address) ?? 0n,
    transfer: (keys, transfer) => {
      sent.push({ from: addressOf(falcon1024Scheme, keys.publicKey), ...transfer })
      return { txId: 'ab'.repeat(32), nonce: 0, status: 'pending' }
    },
  }
  return ledger
}

let ledger = fakeLedger()
const newWallet = (file = memoryFile()) =>
  new WalletService({ file, ledger: () => ledger, cost: COST, now: () => 42 })

async function refused(action: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (err) {
    if (err instanceof WalletRequestError) return `${err.code}: ${err.message}`
    throw err
  }
  throw new Error('it was not refused')
}

describe('the wallet', () => {
  let file: ReturnType<typeof memoryFile>
  let wallet: WalletService

  beforeEach(() => {
    ledger = fakeLedger()
    file = memoryFile()
    wallet = newWallet(file)
  })

  it('is made once, shows its words once, and lists its first account', async () => {
    expect(wallet.status()).toEqual({ exists: false, locked: true, accounts: [], createdAt: null })
    const { words, status } = await wallet.create(PASS)
    expect(words.split(' ')).toHaveLength(24)
    const first = deriveAccount(walletSeed(words), 0)
    expect(status).toMatchObject({ exists: true, locked: false, createdAt: 42 })
    expect(status.accounts).toEqual([{ index: 0, address: first.address, balance: '0' }])
    expect(await refused(wallet.create(PASS))).toMatch(/^conflict: this node already keeps a wallet/)
    expect(file.writes).toBe(1)
  })

  it('locks, refuses a wrong passphrase without touching the file, and unlocks with the right one', async () => {
    const { status } = await wallet.create(PASS)
    const address = status.accounts[0]!.address
    expect(wallet.keysOf(address).secretKey.length).toBeGreaterThan(0)
    expect(wallet.lock().locked).toBe(true)
    expect(await refused(() => wallet.keysOf(address))).toMatch(/^locked: the wallet is locked/)
    const before = file.bytes
    expect(await refused(wallet.unlock('not the passphrase'))).toBe(
      'bad-request: wrong passphrase, or the wallet file was altered',
    )
    expect(file.bytes).toBe(before)
    expect((await wallet.unlock(PASS)).locked).toBe(false)
    expect(addressOf(falcon1024Scheme, wallet.keysOf(address).publicKey)).toBe(address)
  })

  it('changes its passphrase only when the current one is right', async () => {
    await wallet.create(PASS)
    const before = file.bytes
    expect(await refused(wallet.changePassphrase('wrong one!', 'another passphrase'))).toMatch(/^bad-request/)
    expect(await refused(wallet.changePassphrase(PASS, 'short'))).toBe(
      'bad-request: a wallet passphrase has at least 8 characters',
    )
    expect(file.bytes).toBe(before)
    await wallet.changePassphrase(PASS, 'another passphrase')
    wallet.lock()
    expect(await refused(wallet.unlock(PASS))).toMatch(/^bad-request: wrong passphrase/)
    expect((await wallet.unlock('another passphrase')).locked).toBe(false)
  })

  it('is restored from its words to the same accounts, and refuses bad words naming what to fix', async () => {
    const { words, status } = await wallet.create(PASS)
    const other = newWallet()
    const typo = words.split(' ').map((w, i) => (i === 4 ? `${w}x` : w))
    expect(await refused(other.restore({ words: typo.join(' '), passphrase: PASS }))).toMatch(
      new RegExp(`^bad-request: word 5, “${words.split(' ')[4]}x”, is not a recovery word`),
    )
    expect(other.status().exists).toBe(false)
    const restored = await other.restore({ words: words.toUpperCase(), passphrase: 'its own passphrase' })
    expect(restored.accounts.map((a) => a.address)).toEqual(status.accounts.map((a) => a.address))
    // Over an existing wallet only when asked to replace it.
    expect(await refused(wallet.restore({ words, passphrase: PASS }))).toMatch(/^conflict/)
    expect((await wallet.restore({ words, passphrase: PASS, replace: true })).accounts).toHaveLength(1)
  })

  it('exports a backup that another node imports with its passphrase, and refuses a damaged one', async () => {
    expect(await refused(wallet.addAccount(PASS))).toBe('not-found: this node keeps no wallet yet')
    expect(await refused(() => wallet.exportBackup())).toBe('not-found: this node keeps no wallet yet')
    const { words } = await wallet.create(PASS)
    const status = await wallet.addAccount(PASS)
    expect(status.accounts.map((a) => a.address)).toEqual(
      [0, 1].map((i) => deriveAccount(walletSeed(words), i).address),
    )
    const backup = wallet.exportBackup()
    expect(backup.fileName).toMatch(/^hypermesh-wallet-[0-9a-f]{8}\.json$/)
    const elsewhere = memoryFile()
    const second = newWallet(elsewhere)
    expect(await refused(second.importBackup({ data: backup.data, passphrase: 'wrong passphrase' }))).toMatch(
      /^bad-request: wrong passphrase/,
    )
    const damaged = Buffer.from(backup.data, 'base64').subarray(0, 100).toString('base64')
    expect(await refused(second.importBackup({ data: damaged, passphrase: PASS }))).toMatch(
      /^bad-request: this is not a wallet file, or it is cut short/,
    )
    expect(elsewhere.writes).toBe(0)
    const imported = await second.importBackup({ data: backup.data, passphrase: PASS })
    expect(imported.accounts).toEqual(status.accounts)
    expect(Buffer.from(elsewhere.bytes!).toString('base64')).toBe(backup.data)
  })

  it('says what to do when the file on disk is damaged, and can be replaced from its words', async () => {
    const { words } = await wallet.create(PASS)
    file.bytes = file.bytes!.subarray(0, 50)
    expect(await refused(() => wallet.status())).toMatch(
      /^bad-request: this node's wallet file cannot be read \(this is not a wallet file, or it is cut short\); import a backup or restore/,
    )
    expect((await wallet.restore({ words, passphrase: PASS, replace: true })).exists).toBe(true)
  })

  it('previews a transfer with its fee and balance after, and says what is short', async () => {
    const { status } = await wallet.create(PASS)
    const from = status.accounts[0]!.address
    const to = 'cd'.repeat(20)
    ledger.balances.set(from, 1_000_000n)
    expect(wallet.previewSend({ from, to, amount: '400000' })).toEqual({
      fee: '10',
      balance: '1000000',
      balanceAfter: '599990',
      problems: [],
    })
    expect(wallet.previewSend({ from, to, amount: '999995' })).toMatchObject({
      balanceAfter: null,
      problems: [
        'this account holds 1 CAESAR; sending 0.999995 CAESAR with the fee of 0.00001 CAESAR needs 1.000005 CAESAR: 0.000005 CAESAR short',
      ],
    })
    expect(wallet.previewSend({ from, to: from, amount: '1', fee: '1' }).problems).toEqual([
      'that is the account it would be sent from',
      "the fee is below this network's minimum of 0.00001 CAESAR",
    ])
  })

  it('sends only while unlocked, signed with the account’s own key, and refuses what it cannot pay', async () => {
    const { status } = await wallet.create(PASS)
    const from = status.accounts[0]!.address
    const to = 'cd'.repeat(20)
    ledger.balances.set(from, 100n)
    expect(await refused(() => wallet.send({ from, to, amount: '95' }))).toMatch(
      /^bad-request: .*: 0.000005 CAESAR short$/,
    )
    expect(wallet.send({ from, to, amount: '90' })).toMatchObject({ status: 'pending', balanceAfter: '0' })
    expect(ledger.sent).toEqual([{ from, to, amount: '90', fee: '10' }])
    wallet.lock()
    expect(await refused(() => wallet.send({ from, to, amount: '1' }))).toMatch(/^locked/)
    await wallet.unlock(PASS)
    expect(await refused(() => wallet.send({ from: to, to: from, amount: '1' }))).toBe(
      `not-found: ${to} is not an account of this wallet`,
    )
    expect(ledger.sent).toHaveLength(1)
  })

  it('checks words as they are typed', () => {
    expect(wallet.checkWords('abandon')).toMatchObject({ problem: { kind: 'count', position: null } })
    expect(wallet.checkWords(`${'abandon '.repeat(23)}art`)).toEqual({ problem: null })
    expect(wallet.checkWords(`${'abandon '.repeat(23)}arm`).problem?.suggestions).toContainEqual({
      position: 24,
      word: 'art',
    })
  })
})
