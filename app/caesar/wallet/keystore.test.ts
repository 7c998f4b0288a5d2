/**
 * The wallet file, fed bad input: a wrong passphrase, an altered ciphertext or header, a truncated or
 * oversized file, another version, a crafted KDF cost, and a short passphrase are each refused with their
 * reason; the right passphrase opens exactly the words that were sealed.
 */
import { describe, expect, it } from 'vitest'
import { deriveAccount, walletSeed } from './accounts'
import { openWallet, readWalletHeader, sealWallet, WalletFileError, type WalletFileRefusal } from './keystore'
import { createMnemonic, entropyOf } from './mnemonic'

const COST = 2 ** 14
const PASSPHRASE = 'correct horse battery'
const mnemonic = createMnemonic()
const account0 = deriveAccount(walletSeed(mnemonic), 0)
const accounts = [{ index: 0, address: account0.address }]
const sealed = sealWallet(entropyOf(mnemonic), PASSPHRASE, { accounts, now: 1_800_000_000_000, cost: COST })

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value)
const edited = async (change: (file: Record<string, unknown>) => void): Promise<Uint8Array> => {
  const file = JSON.parse(text(await sealed)) as Record<string, unknown>
  change(file)
  return bytes(JSON.stringify(file))
}

async function refusal(file: Uint8Array | Promise<Uint8Array>, passphrase = PASSPHRASE): Promise<string> {
  try {
    await openWallet(await file, passphrase)
  } catch (err) {
    if (err instanceof WalletFileError) return `${err.code}: ${err.message}`
    throw err
  }
  throw new Error('it opened')
}
const code = (refused: string): WalletFileRefusal => refused.split(':')[0] as WalletFileRefusal

describe('the wallet file', () => {
  it('opens with its passphrase to the words sealed, and shows its accounts while locked', async () => {
    const file = await sealed
    const opened = await openWallet(file, PASSPHRASE)
    expect(opened.mnemonic).toBe(mnemonic)
    expect(opened.header.accounts).toEqual(accounts)
    expect(readWalletHeader(file).accounts).toEqual(accounts)
    expect(text(file)).not.toContain(mnemonic.split(' ')[0]! + ' ')
  })

  it('refuses a wrong passphrase, and an altered ciphertext, alike', async () => {
    expect(await refusal(sealed, 'correct horse battery!')).toBe(
      'passphrase: wrong passphrase, or the wallet file was altered',
    )
    const flipped = await edited((f) => {
      const box = Buffer.from(f.sealed as string, 'base64')
      box[0]! ^= 1
      f.sealed = box.toString('base64')
    })
    expect(code(await refusal(flipped))).toBe('passphrase')
  })

  it('refuses a header changed under its seal: another account shown, a cheaper KDF', async () => {
    const otherAccount = await edited((f) => {
      f.accounts = [{ index: 0, address: 'ab'.repeat(20) }]
    })
    expect(code(await refusal(otherAccount))).toBe('passphrase')
    const cheaper = await edited((f) => {
      ;(f.kdf as { n: number }).n = COST * 2
    })
    expect(code(await refusal(cheaper))).toBe('passphrase')
  })

  it('refuses a truncated, oversized, foreign or newer file before any key is derived', async () => {
    const file = await sealed
    expect(await refusal(file.subarray(0, file.length - 10))).toBe(
      'malformed: this is not a wallet file, or it is cut short',
    )
    expect(code(await refusal(new Uint8Array(70 * 1024).fill(0x20)))).toBe('oversized')
    expect(code(await refusal(bytes('{"hello":"world"}')))).toBe('malformed')
    expect(await refusal(await edited((f) => (f.version = 2)))).toBe(
      'version: this wallet file is version 2; this HyperMesh reads version 1',
    )
    expect(code(await refusal(await edited((f) => (f.extra = true))))).toBe('malformed')
  })

  it('refuses KDF parameters that would make opening cost minutes or gigabytes', async () => {
    for (const n of [2 ** 25, 2 ** 10, 3 * 2 ** 14]) {
      const crafted = await edited((f) => ((f.kdf as { n: number }).n = n))
      expect(await refusal(crafted)).toBe(
        'kdf: the wallet file asks for key-derivation parameters outside the safe bounds',
      )
    }
    const r16 = await edited((f) => ((f.kdf as { r: number }).r = 16))
    expect(code(await refusal(r16))).toBe('kdf')
  })

  it('will not seal under a passphrase shorter than 8 characters', async () => {
    await expect(sealWallet(entropyOf(mnemonic), 'short', { accounts, now: 0, cost: COST })).rejects.toThrow(
      'a wallet passphrase has at least 8 characters',
    )
  })
})
