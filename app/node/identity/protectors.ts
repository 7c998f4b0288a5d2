/**
 * Key protectors the node itself provides (the desktop app adds the OS keychain from main/):
 * - passphrase: scrypt-derived key, for headless nodes (`HYPERMESH_PASSPHRASE`);
 * - machine key: a random per-user key kept outside the data dir (0600). It keeps keys safe when the data
 *   dir alone is copied or backed up; it does not protect against someone who can read the user's files.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { writeFileDurably } from '../durable-file'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { randomBytes, scryptSync } from 'node:crypto'
import { aeadOpen, aeadSeal, UnsealError } from './aead'
import type { KeyProtector } from './key-protector'

const SALT_BYTES = 16
const HEADER = new TextEncoder().encode('hypermesh-keys-v1')

export interface PassphraseProtectorOptions {
  /** scrypt cost N (a power of two). Default 2^17: ~0.3 s per unlock on a laptop core. */
  cost?: number
}

export function createPassphraseProtector(
  passphrase: string,
  options: PassphraseProtectorOptions = {},
): KeyProtector {
  if (passphrase.length < 8) throw new Error('the passphrase must be at least 8 characters')
  const cost = options.cost ?? 2 ** 17
  const derive = (salt: Uint8Array, n: number): Buffer =>
    scryptSync(passphrase.normalize('NFKC'), salt, 32, { N: n, r: 8, p: 1, maxmem: 256 * n * 8 + 1024 })
  return {
    kind: 'passphrase',
    async seal(plaintext) {
      const salt = randomBytes(SALT_BYTES)
      const costBytes = Buffer.alloc(4)
      costBytes.writeUInt32BE(cost)
      return Buffer.concat([costBytes, salt, aeadSeal(derive(salt, cost), plaintext, HEADER)])
    },
    async open(sealed) {
      if (sealed.length < 4 + SALT_BYTES) throw new UnsealError('sealed keys are truncated')
      const n = Buffer.from(sealed).readUInt32BE(0)
      if (n < 2 ** 10 || n > 2 ** 22 || (n & (n - 1)) !== 0)
        throw new UnsealError('sealed keys carry an invalid scrypt cost')
      const salt = sealed.subarray(4, 4 + SALT_BYTES)
      try {
        return aeadOpen(derive(salt, n), sealed.subarray(4 + SALT_BYTES), HEADER)
      } catch (err) {
        if (err instanceof UnsealError) throw new UnsealError('wrong passphrase, or the key file was altered')
        throw err
      }
    },
  }
}

export function defaultMachineKeyPath(): string {
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config')
  return join(base, 'hypermesh', 'machine.key')
}

export function createMachineKeyProtector(keyPath: string = defaultMachineKeyPath()): KeyProtector {
  const loadKey = (create: boolean): Buffer => {
    if (existsSync(keyPath)) {
      const key = readFileSync(keyPath)
      if (key.length !== 32)
        throw new UnsealError(`the machine key ${keyPath} is damaged (expected 32 bytes)`)
      return key
    }
    if (!create)
      throw new UnsealError(`the machine key ${keyPath} is missing, so the node's keys cannot be opened`)
    mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 })
    const key = randomBytes(32)
    // On the disk before anything is sealed with it; never replacing a key another writer made first.
    writeFileDurably(keyPath, key, { mode: 0o600, noReplace: true })
    chmodSync(keyPath, 0o600)
    return key
  }
  return {
    kind: 'machine-key',
    async seal(plaintext) {
      return aeadSeal(loadKey(true), plaintext, HEADER)
    },
    async open(sealed) {
      return aeadOpen(loadKey(false), sealed, HEADER)
    },
  }
}

/** The default for a node with no protector given: a passphrase if one is set, else the machine key. */
export function defaultKeyProtector(env: NodeJS.ProcessEnv = process.env): KeyProtector {
  const passphrase = env.HYPERMESH_PASSPHRASE
  if (passphrase != null && passphrase !== '') return createPassphraseProtector(passphrase)
  return createMachineKeyProtector(env.HYPERMESH_MACHINE_KEY_FILE ?? defaultMachineKeyPath())
}
