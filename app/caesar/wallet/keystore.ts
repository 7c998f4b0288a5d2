/**
 * The wallet file: the recovery words' 32 bytes of entropy sealed under a passphrase the person chooses,
 * apart from the node's identity keys. scrypt (N = 2^17, r = 8, p = 1) makes the key; XChaCha20-Poly1305
 * (@noble/ciphers) seals the entropy, with the whole header as associated data, so that changing the KDF
 * parameters or the list of accounts shown while locked fails authentication like changing the ciphertext.
 * The same bytes are the backup file a person exports and imports.
 *
 * Opening refuses, each with its reason: oversized or truncated bytes, anything that is not a wallet file
 * of a version this build reads, KDF parameters outside the bounds (so that a crafted file cannot make the
 * node spend minutes or gigabytes), and a wrong passphrase or altered file. Nothing is returned before
 * every check has passed.
 */
import { randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { z } from 'zod'
import { MIN_PASSPHRASE_CHARS } from '../../../shared/wallet-schemas'
import { canonicalBytes, fromBase64, toBase64 } from '../../consensus'
import { deriveAccount, walletSeed } from './accounts'
import { mnemonicOf } from './mnemonic'

export const WALLET_FILE_FORMAT = 'hypermesh-wallet'
export const WALLET_FILE_VERSION = 1
/** A wallet file is small: a header, 48 bytes sealed, and the accounts' addresses. */
export const MAX_WALLET_FILE_BYTES = 64 * 1024
const DEFAULT_COST = 2 ** 17
const MIN_COST = 2 ** 14
const MAX_COST = 2 ** 20
const ENTROPY_BYTES = 32
const SALT_BYTES = 16
const NONCE_BYTES = 24
const TAG_BYTES = 16

const Base64 = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/)
const Address = z.string().regex(/^[0-9a-f]{40}$/)

const WalletHeader = z
  .object({
    format: z.literal(WALLET_FILE_FORMAT),
    version: z.number().int(),
    kdf: z
      .object({
        name: z.literal('scrypt'),
        n: z.number().int(),
        r: z.number().int(),
        p: z.number().int(),
        salt: Base64,
      })
      .strict(),
    cipher: z.object({ name: z.literal('xchacha20-poly1305'), nonce: Base64 }).strict(),
    /** The wallet's accounts, readable while it is locked (addresses only). */
    accounts: z
      .array(z.object({ index: z.number().int().min(0), address: Address }).strict())
      .min(1)
      .max(1000),
    createdAt: z.number().int().min(0),
  })
  .strict()
export type WalletHeader = z.infer<typeof WalletHeader>
const WalletFile = WalletHeader.extend({ sealed: Base64 }).strict()
export type WalletFile = z.infer<typeof WalletFile>

export type WalletFileRefusal = 'oversized' | 'malformed' | 'version' | 'kdf' | 'passphrase'

export class WalletFileError extends Error {
  constructor(
    readonly code: WalletFileRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'WalletFileError'
  }
}

/** Why `passphrase` may not seal a wallet, or null. */
export function passphraseProblem(passphrase: string): string | null {
  return [...passphrase.normalize('NFKC')].length < MIN_PASSPHRASE_CHARS
    ? `a wallet passphrase has at least ${MIN_PASSPHRASE_CHARS} characters`
    : null
}

function scrypt(passphrase: string, salt: Uint8Array, kdf: { n: number; r: number; p: number }) {
  const options: ScryptOptions = { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.n * kdf.r + 1024 * 1024 }
  return new Promise<Uint8Array>((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFKC'), salt, 32, options, (err, key) =>
      err == null ? resolve(key) : reject(err),
    ),
  )
}

const associatedData = (header: WalletHeader): Uint8Array => canonicalBytes(header)

/**
 * Seals `entropy` (the recovery words' 32 bytes) under `passphrase`; the header lists `accounts` by
 * address. Returns the file's bytes (canonical JSON).
 */
export async function sealWallet(
  entropy: Uint8Array,
  passphrase: string,
  options: { accounts: readonly { index: number; address: string }[]; now: number; cost?: number },
): Promise<Uint8Array> {
  const problem = passphraseProblem(passphrase)
  if (problem != null) throw new WalletFileError('passphrase', problem)
  if (entropy.length !== ENTROPY_BYTES) throw new RangeError('a wallet seals 32 bytes of entropy')
  const kdf = { n: options.cost ?? DEFAULT_COST, r: 8, p: 1 }
  const salt = randomBytes(SALT_BYTES)
  const nonce = randomBytes(NONCE_BYTES)
  const header: WalletHeader = {
    format: WALLET_FILE_FORMAT,
    version: WALLET_FILE_VERSION,
    kdf: { name: 'scrypt', ...kdf, salt: toBase64(salt) },
    cipher: { name: 'xchacha20-poly1305', nonce: toBase64(nonce) },
    accounts: options.accounts.map(({ index, address }) => ({ index, address })),
    createdAt: options.now,
  }
  const key = await scrypt(passphrase, salt, kdf)
  const sealed = xchacha20poly1305(key, nonce, associatedData(header)).encrypt(entropy)
  return canonicalBytes({ ...header, sealed: toBase64(sealed) })
}

/** The header of a wallet file, readable without its passphrase (its accounts, its age); checked as far as it can be. */
export function readWalletHeader(bytes: Uint8Array): WalletFile {
  if (bytes.length > MAX_WALLET_FILE_BYTES)
    throw new WalletFileError('oversized', `a wallet file is at most ${MAX_WALLET_FILE_BYTES / 1024} KiB`)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new WalletFileError('malformed', 'this is not a wallet file, or it is cut short')
  }
  const format = (json as { format?: unknown } | null)?.format
  const version = (json as { version?: unknown } | null)?.version
  if (format === WALLET_FILE_FORMAT && typeof version === 'number' && version !== WALLET_FILE_VERSION)
    throw new WalletFileError(
      'version',
      `this wallet file is version ${version}; this HyperMesh reads version ${WALLET_FILE_VERSION}`,
    )
  const parsed = WalletFile.safeParse(json)
  if (!parsed.success)
    throw new WalletFileError('malformed', 'this is not a HyperMesh wallet file, or it is damaged')
  const { kdf } = parsed.data
  if (kdf.n < MIN_COST || kdf.n > MAX_COST || (kdf.n & (kdf.n - 1)) !== 0 || kdf.r !== 8 || kdf.p !== 1)
    throw new WalletFileError(
      'kdf',
      'the wallet file asks for key-derivation parameters outside the safe bounds',
    )
  return parsed.data
}

/**
 * Opens a wallet file: its recovery words and its header. Refuses a wrong passphrase or an altered file
 * alike (authentication cannot tell them apart), and a file whose first account is not the one its words
 * derive.
 */
export async function openWallet(
  bytes: Uint8Array,
  passphrase: string,
): Promise<{ mnemonic: string; entropy: Uint8Array; header: WalletHeader }> {
  const file = readWalletHeader(bytes)
  const { sealed, ...header } = file
  const salt = fromBase64(header.kdf.salt)
  const nonce = fromBase64(header.cipher.nonce)
  const box = fromBase64(sealed)
  if (salt.length !== SALT_BYTES || nonce.length !== NONCE_BYTES || box.length !== ENTROPY_BYTES + TAG_BYTES)
    throw new WalletFileError('malformed', 'the wallet file is damaged (its sealed part has the wrong size)')
  const key = await scrypt(passphrase, salt, header.kdf)
  let entropy: Uint8Array
  try {
    entropy = xchacha20poly1305(key, nonce, associatedData(header)).decrypt(box)
  } catch {
    throw new WalletFileError('passphrase', 'wrong passphrase, or the wallet file was altered')
  }
  const mnemonic = mnemonicOf(entropy)
  const first = header.accounts[0]!
  if (deriveAccount(walletSeed(mnemonic), first.index).address !== first.address)
    throw new WalletFileError('malformed', 'the wallet file’s accounts are not those of its recovery words')
  return { mnemonic, entropy, header }
}
