/**
 * The desktop app's own command-line flags. Chromium and Electron switches share argv, so we look for ours
 * anywhere in it and ignore everything else.
 */
import { resolve } from 'node:path'

/** `--data-dir <path>` or `--data-dir=<path>`, resolved against the working directory; undefined if absent. */
export function dataDirFromArgv(argv: readonly string[], cwd: string = process.cwd()): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--data-dir') {
      const value = argv[i + 1]
      if (value == null || value === '' || value.startsWith('--')) throw new Error('--data-dir needs a path')
      return resolve(cwd, value)
    }
    if (arg?.startsWith('--data-dir=') === true) {
      const value = arg.slice('--data-dir='.length)
      if (value === '') throw new Error('--data-dir needs a path')
      return resolve(cwd, value)
    }
  }
  return undefined
}
