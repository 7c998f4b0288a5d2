// Where the Electron binary is, if one is installed. Never require('electron') to find out: its first
// require tries to download the binary, which fails without internet.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')

/** @returns {{ path: string } | { path: null, reason: string }} */
export function findElectronBinary() {
  const pkg = join(root, 'node_modules', 'electron')
  if (!existsSync(pkg))
    return { path: null, reason: 'the electron package is not installed (run npm install)' }
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile))
    return {
      path: null,
      reason: `no Electron binary at ${join(pkg, 'dist')} (it is downloaded on first use and could not be here)`,
    }
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary)) return { path: null, reason: `the Electron binary ${binary} is missing` }
  return { path: binary }
}
