import { describe, expect, it } from 'vitest'
import { createOsKeychainProtector, type SafeStorageLike } from './key-protector'

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>

/** A stand-in for Electron safeStorage: "encrypts" by reversing and prefixing, enough to see the bytes flow. */
function fakeSafeStorage(available: boolean, backend: Backend): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (text) => Buffer.from(`v10${[...text].reverse().join('')}`, 'latin1'),
    decryptStringAsync: async (sealed) => {
      const text = Buffer.from(sealed).toString('latin1')
      if (!text.startsWith('v10')) throw new Error('Error while decrypting the ciphertext provided')
      return { result: [...text.slice(3)].reverse().join(''), shouldReEncrypt: false }
    },
  }
}

function recordingLog() {
  const lines: string[] = []
  return {
    lines,
    log: { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) },
  }
}

describe('createOsKeychainProtector', () => {
  it('seals and opens arbitrary bytes through safeStorage', async () => {
    const { log } = recordingLog()
    const protector = await createOsKeychainProtector(fakeSafeStorage(true, 'gnome_libsecret'), 'linux', log)
    expect(protector?.kind).toBe('os-keychain')
    const secret = new Uint8Array(256).map((_, i) => i)
    const sealed = await protector!.seal(secret)
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false)
    expect(await protector!.open(sealed)).toEqual(secret)
  })

  it('is null, with the reason logged, when encryption is not available', async () => {
    const { lines, log } = recordingLog()
    expect(await createOsKeychainProtector(fakeSafeStorage(false, 'unknown'), 'darwin', log)).toBeNull()
    expect(lines).toEqual(['warn OS keychain not used: safeStorage reports that encryption is not available'])
  })

  it('is null on Linux when the only backend is basic_text (no keyring)', async () => {
    const { lines, log } = recordingLog()
    expect(await createOsKeychainProtector(fakeSafeStorage(true, 'basic_text'), 'linux', log)).toBeNull()
    expect(lines[0]).toContain('safeStorage backend "basic_text"')
  })

  it('does not ask for a Linux backend on other platforms', async () => {
    const { log } = recordingLog()
    const storage = fakeSafeStorage(true, 'basic_text')
    storage.getSelectedStorageBackend = () => {
      throw new Error('getSelectedStorageBackend is Linux-only')
    }
    expect((await createOsKeychainProtector(storage, 'win32', log))?.kind).toBe('os-keychain')
  })
})
