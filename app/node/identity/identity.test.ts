import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import {
  falconFingerprint,
  IdentityError,
  identityPath,
  loadOrCreateIdentity,
  type NodeIdentity,
} from './identity'
import { createMachineKeyProtector, createPassphraseProtector } from './protectors'
import { aeadOpen, aeadSeal, UnsealError } from './aead'
import type { KeyProtector } from './key-protector'

const PASSPHRASE = 'correct horse battery staple'
const fast = (passphrase: string = PASSPHRASE): KeyProtector =>
  createPassphraseProtector(passphrase, { cost: 2 ** 12 })

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-identity-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
const writeJson = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value, null, 2))

/** Creates an identity in a fresh data dir and returns the dir, the identity and the file path. */
async function created(
  protector: KeyProtector = fast(),
): Promise<{ dir: string; identity: NodeIdentity; path: string }> {
  const dir = tempDir()
  const { identity, created: isNew } = await loadOrCreateIdentity(dir, protector)
  expect(isNew).toBe(true)
  return { dir, identity, path: identityPath(dir) }
}

/** Expects loading to fail with an IdentityError and the file to be left exactly as it was. */
async function expectRefused(
  dir: string,
  protector: KeyProtector,
  message?: RegExp | string,
): Promise<IdentityError> {
  const path = identityPath(dir)
  const before = readFileSync(path)
  const err = await loadOrCreateIdentity(dir, protector).then(
    () => {
      throw new Error('expected loading to be refused')
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(IdentityError)
  if (message instanceof RegExp) expect((err as Error).message).toMatch(message)
  else if (message != null) expect((err as Error).message).toContain(message)
  expect(readFileSync(path).equals(before)).toBe(true)
  return err as IdentityError
}

describe('loadOrCreateIdentity', () => {
  it('creates an identity on first start and loads the same one afterwards', async () => {
    const { dir, identity, path } = await created()
    const fileBefore = readFileSync(path)

    const again = await loadOrCreateIdentity(dir, fast())
    expect(again.created).toBe(false)
    expect(again.identity.peerId.toString()).toBe(identity.peerId.toString())
    expect(again.identity.privateKey.equals(identity.privateKey)).toBe(true)
    expect(Buffer.from(again.identity.falcon.publicKey).equals(Buffer.from(identity.falcon.publicKey))).toBe(
      true,
    )
    expect(again.identity.falconFingerprint).toBe(identity.falconFingerprint)
    expect(again.identity.falconFingerprint).toBe(falconFingerprint(identity.falcon.publicKey))
    expect(again.identity.falconFingerprint).toMatch(/^[0-9a-f]{32}$/)
    // Loading never rewrites the stored keys.
    expect(readFileSync(path).equals(fileBefore)).toBe(true)
  })

  it('loads a FALCON secret key that signs for the public key on file', async () => {
    const { dir, path } = await created()
    const { identity } = await loadOrCreateIdentity(dir, fast())
    const storedPublicKey = new Uint8Array(Buffer.from(readJson(path).falconPublicKey as string, 'base64'))
    const message = new TextEncoder().encode('hypermesh identity test')
    const signature = falcon1024.sign(message, identity.falcon.secretKey)
    expect(falcon1024.verify(signature, message, storedPublicKey)).toBe(true)
    expect(falcon1024.verify(signature, new TextEncoder().encode('another message'), storedPublicKey)).toBe(
      false,
    )
  })

  it('keeps both secret keys out of the file in plaintext', async () => {
    const { identity, path } = await created()
    const text = readFileSync(path, 'utf8')
    const secrets = [
      b64(identity.privateKey.raw),
      b64(privateKeyToProtobuf(identity.privateKey)),
      b64(identity.falcon.secretKey),
      b64(identity.falcon.secretKey.subarray(0, 48)),
      Buffer.from(identity.privateKey.raw).toString('hex'),
    ]
    for (const secret of secrets) expect(text.includes(secret)).toBe(false)
    // The public parts are there, and the file is private to the user.
    const file = readJson(path)
    expect(file.peerId).toBe(identity.peerId.toString())
    expect(file.falconPublicKey).toBe(b64(identity.falcon.publicKey))
    expect(file.protector).toBe('passphrase')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(existsSync(`${path}.tmp`)).toBe(false)
  })

  it('refuses a wrong passphrase and leaves the file unchanged', async () => {
    const { dir } = await created()
    await expectRefused(dir, fast('not the right passphrase'), /wrong passphrase/)
  })

  it('refuses a protector of another kind, naming both kinds', async () => {
    const { dir } = await created()
    const keyPath = join(tempDir(), 'machine.key')
    const err = await expectRefused(dir, createMachineKeyProtector(keyPath))
    expect(err.message).toContain('"passphrase"')
    expect(err.message).toContain('"machine-key"')
    expect(err.message).toContain('HYPERMESH_PASSPHRASE')
    // Refusing must not have created a machine key as a side effect.
    expect(existsSync(keyPath)).toBe(false)
  })

  it('refuses a sealed blob with any one byte flipped', async () => {
    const { dir, path } = await created()
    const original = readJson(path)
    const sealed = Buffer.from(original.sealed as string, 'base64')
    // Positions in: the scrypt cost, the salt, the nonce, the ciphertext, the tag.
    const positions = [
      0,
      2,
      3,
      4,
      19,
      20,
      31,
      32,
      Math.floor(sealed.length / 2),
      sealed.length - 17,
      sealed.length - 1,
    ]
    for (const position of positions) {
      const tampered = Buffer.from(sealed)
      tampered[position] = (tampered[position] as number) ^ 0x01
      writeJson(path, { ...original, sealed: tampered.toString('base64') })
      await expectRefused(dir, fast(), 'cannot unlock')
    }
  })

  it('refuses a sealed blob cut short', async () => {
    const { dir, path } = await created()
    const original = readJson(path)
    const sealed = Buffer.from(original.sealed as string, 'base64')
    for (const length of [0, 3, 19, 30, sealed.length - 1]) {
      writeJson(path, { ...original, sealed: sealed.subarray(0, length).toString('base64') })
      await expectRefused(dir, fast(), 'cannot unlock')
    }
  })

  it("refuses a file whose peerId was changed to another peer's id", async () => {
    const { dir, path, identity } = await created()
    const other = await created()
    const file = readJson(path)
    writeJson(path, { ...file, peerId: other.identity.peerId.toString() })
    const err = await expectRefused(dir, fast(), 'does not belong')
    expect(err.message).toContain(other.identity.peerId.toString())
    expect(err.message).not.toContain(identity.peerId.toString())
  })

  it("refuses a file whose FALCON public key was swapped for another key's", async () => {
    const { dir, path } = await created()
    const other = await created()
    writeJson(path, { ...readJson(path), falconPublicKey: b64(other.identity.falcon.publicKey) })
    await expectRefused(dir, fast(), 'FALCON-1024')
  })

  it('refuses truncated, garbage or wrongly shaped JSON with the path in the message', async () => {
    const { dir, path } = await created()
    const text = readFileSync(path, 'utf8')
    const file = readJson(path)
    const damaged = [
      text.slice(0, Math.floor(text.length / 2)),
      '',
      'garbage \u0000\u0001',
      'null',
      '[]',
      JSON.stringify({ ...file, version: 2 }),
      JSON.stringify({ ...file, extra: true }),
      JSON.stringify({ ...file, sealed: 'not base64!' }),
      JSON.stringify({ ...file, peerId: '' }),
      JSON.stringify((({ sealed: _sealed, ...rest }) => rest)(file)),
    ]
    for (const content of damaged) {
      writeFileSync(path, content)
      await expectRefused(dir, fast(), path)
    }
  })
})

describe('changing the key protector', () => {
  it('opens keys sealed by a fallback protector and seals them again with the preferred one', async () => {
    const dir = tempDir()
    const machineKey = createMachineKeyProtector(join(tempDir(), 'machine.key'))
    const first = await loadOrCreateIdentity(dir, machineKey)
    expect(readJson(identityPath(dir)).protector).toBe('machine-key')

    const moved = await loadOrCreateIdentity(dir, fast(), [machineKey])
    expect(moved.resealed).toBe(true)
    expect(moved.identity.peerId.toString()).toBe(first.identity.peerId.toString())
    expect(readJson(identityPath(dir)).protector).toBe('passphrase')

    // From now on the preferred protector alone opens them; the old one no longer does.
    const again = await loadOrCreateIdentity(dir, fast())
    expect(again.resealed).toBe(false)
    expect(again.identity.peerId.toString()).toBe(first.identity.peerId.toString())
    await expect(loadOrCreateIdentity(dir, machineKey)).rejects.toThrow(/sealed with "passphrase"/)
  })

  it('refuses keys sealed by a protector that is neither preferred nor a fallback, leaving the file as it was', async () => {
    const dir = tempDir()
    await loadOrCreateIdentity(dir, fast())
    const before = readFileSync(identityPath(dir))
    const other = createMachineKeyProtector(join(tempDir(), 'machine.key'))
    await expect(loadOrCreateIdentity(dir, other, [other])).rejects.toThrow(IdentityError)
    expect(readFileSync(identityPath(dir)).equals(before)).toBe(true)
  })
})

describe('machine-key protector', () => {
  it('creates its key with mode 0600 outside the data dir and reopens the identity with it', async () => {
    const keyDir = tempDir()
    const keyPath = join(keyDir, 'nested', 'machine.key')
    const { dir, identity, path } = await created(createMachineKeyProtector(keyPath))
    expect(keyPath.startsWith(dir)).toBe(false)
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    expect(readFileSync(keyPath).length).toBe(32)
    expect(readJson(path).protector).toBe('machine-key')

    const again = await loadOrCreateIdentity(dir, createMachineKeyProtector(keyPath))
    expect(again.created).toBe(false)
    expect(again.identity.peerId.toString()).toBe(identity.peerId.toString())
  })

  it('refuses to open when the machine key is missing, and does not create a new one', async () => {
    const keyPath = join(tempDir(), 'machine.key')
    const { dir } = await created(createMachineKeyProtector(keyPath))
    unlinkSync(keyPath)
    const err = await expectRefused(dir, createMachineKeyProtector(keyPath), 'missing')
    expect(err.message).toContain(keyPath)
    expect(existsSync(keyPath)).toBe(false)
  })

  it('refuses a damaged machine key and a different machine key', async () => {
    const keyPath = join(tempDir(), 'machine.key')
    const { dir } = await created(createMachineKeyProtector(keyPath))
    const original = readFileSync(keyPath)

    writeFileSync(keyPath, original.subarray(0, 16))
    await expectRefused(dir, createMachineKeyProtector(keyPath), 'damaged')

    const other = Buffer.from(original)
    other[0] = (other[0] as number) ^ 0xff
    writeFileSync(keyPath, other)
    await expectRefused(dir, createMachineKeyProtector(keyPath), 'cannot unlock')
  })
})

describe('passphrase protector', () => {
  it('refuses a passphrase shorter than 8 characters', () => {
    for (const short of ['', 'a', '1234567']) {
      expect(() => createPassphraseProtector(short)).toThrow(/at least 8 characters/)
    }
    expect(createPassphraseProtector('12345678').kind).toBe('passphrase')
  })

  it('opens what it sealed and treats canonically equivalent passphrases alike (NFKC)', async () => {
    const composed = 'pass\u00e9word'
    const decomposed = 'passe\u0301word'
    const plaintext = new TextEncoder().encode('secret bytes')
    const sealed = await fast(composed).seal(plaintext)
    expect(Buffer.from(sealed).includes(Buffer.from(plaintext))).toBe(false)
    expect(new TextDecoder().decode(await fast(decomposed).open(sealed))).toBe('secret bytes')
  })

  it('refuses a sealed blob that claims an invalid scrypt cost', async () => {
    const sealed = Buffer.from(await fast().seal(new TextEncoder().encode('x')))
    for (const cost of [0, 3, 2 ** 9, 2 ** 12 + 1, 2 ** 23, 0xffffffff]) {
      const altered = Buffer.from(sealed)
      altered.writeUInt32BE(cost >>> 0, 0)
      await expect(fast().open(altered)).rejects.toThrow(UnsealError)
      await expect(fast().open(altered)).rejects.toThrow(/scrypt cost/)
    }
  })
})

describe('aead', () => {
  const key = new Uint8Array(32).fill(7)
  const aad = new TextEncoder().encode('header')
  const plaintext = new TextEncoder().encode('the node keys')

  it('opens what it sealed, with a fresh nonce each time', () => {
    const a = aeadSeal(key, plaintext, aad)
    const b = aeadSeal(key, plaintext, aad)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
    expect(new TextDecoder().decode(aeadOpen(key, a, aad))).toBe('the node keys')
  })

  it('refuses a wrong key, a wrong header, a flipped byte and truncated data', () => {
    const sealed = aeadSeal(key, plaintext, aad)
    expect(() => aeadOpen(new Uint8Array(32).fill(8), sealed, aad)).toThrow(UnsealError)
    expect(() => aeadOpen(key, sealed, new TextEncoder().encode('other'))).toThrow(UnsealError)
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Uint8Array.from(sealed)
      tampered[i] = (tampered[i] as number) ^ 0x80
      expect(() => aeadOpen(key, tampered, aad)).toThrow(UnsealError)
    }
    expect(() => aeadOpen(key, sealed.subarray(0, 27), aad)).toThrow(/truncated/)
    expect(() => aeadOpen(key, sealed.subarray(0, sealed.length - 1), aad)).toThrow(UnsealError)
  })
})
