/**
 * The desktop key protector: the node's secret keys sealed by the OS keychain through Electron safeStorage
 * (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux).
 *
 * Returns null where safeStorage would give no real protection — encryption unavailable, or Linux with no
 * keyring, where Chromium falls back to a hard-coded key ('basic_text') — so the node uses its own default.
 */
import type { SafeStorage } from 'electron'
import type { KeyProtector } from '../app/node'

export const OS_KEYCHAIN_KIND = 'os-keychain'

export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>

export interface KeyProtectorLog {
  info(message: string): void
  warn(message: string): void
}

/** Call after the app is ready (before it, safeStorage reports no backend). */
export async function createOsKeychainProtector(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
  log: KeyProtectorLog,
): Promise<KeyProtector | null> {
  let available: boolean
  try {
    available = await safeStorage.isAsyncEncryptionAvailable()
  } catch (err) {
    log.warn(`OS keychain not used: safeStorage failed to initialise (${(err as Error).message})`)
    return null
  }
  if (!available) {
    log.warn('OS keychain not used: safeStorage reports that encryption is not available')
    return null
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend()
    if (backend === 'basic_text' || backend === 'unknown') {
      log.warn(`OS keychain not used: no secret service on this desktop (safeStorage backend "${backend}")`)
      return null
    }
    log.info(`OS keychain in use (safeStorage backend "${backend}")`)
  } else {
    log.info('OS keychain in use (safeStorage)')
  }

  return {
    kind: OS_KEYCHAIN_KIND,
    async seal(plaintext) {
      // safeStorage seals strings; the bytes travel as base64 so that no byte sequence is mangled.
      const sealed = await safeStorage.encryptStringAsync(Buffer.from(plaintext).toString('base64'))
      return new Uint8Array(sealed)
    },
    async open(sealed) {
      const { result } = await safeStorage.decryptStringAsync(Buffer.from(sealed))
      return new Uint8Array(Buffer.from(result, 'base64'))
    },
  }
}
