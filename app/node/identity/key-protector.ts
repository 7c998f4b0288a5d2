/**
 * How secret keys are protected at rest. The node seals its key file with one of these; which one
 * is a choice of the host: main/ passes the OS keychain (Electron safeStorage), the daemon a passphrase.
 */
export interface KeyProtector {
  /** Short name recorded beside the sealed keys, so that opening them with the wrong kind fails clearly. */
  readonly kind: string
  seal(plaintext: Uint8Array): Promise<Uint8Array>
  open(sealed: Uint8Array): Promise<Uint8Array>
}
