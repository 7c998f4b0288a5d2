/** Where the person's wallet lives: `wallet.json` in the data dir (0600), written durably and whole. */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { WalletFilePort } from '../caesar'
import { writeFileDurably } from './durable-file'

export function walletFile(dataDir: string): WalletFilePort {
  const path = join(dataDir, 'wallet.json')
  return {
    read: () => (existsSync(path) ? readFileSync(path) : null),
    write: (bytes) => writeFileDurably(path, bytes, { mode: 0o600 }),
  }
}
