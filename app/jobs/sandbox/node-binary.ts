/**
 * The Node.js binary that runs sandbox processes. The headless daemon runs under Node, so its own binary
 * serves. This is the one file of app/ and main/ that reads `process.execPath` (main/packaging.test.ts
 * lists it as the one exception, with this reason).
 *
 * In the desktop app `process.execPath` is the Electron binary, and the packaged app's fuse
 * `runAsNode: false` forbids starting it as Node (rightly: that would reopen what the fuse closes). So the
 * desktop app ships the project's own Node binary beside it (electron-builder.yml extraResources) and
 * names it here (`explicit`, from main/paths.ts): jobs then run in exactly the process the daemon starts,
 * with the same permission flags and limits.
 */
import { existsSync } from 'node:fs'

export function nodeBinary(explicit?: string): { path: string } | { reason: string } {
  if (explicit != null)
    return existsSync(explicit)
      ? { path: explicit }
      : { reason: `the Node.js binary that runs jobs is missing (${explicit}); reinstall the app` }
  if (process.versions.electron != null)
    return {
      reason: 'this build of the desktop app names no Node.js binary to run jobs with (main/paths.ts)',
    }
  return { path: process.execPath }
}
