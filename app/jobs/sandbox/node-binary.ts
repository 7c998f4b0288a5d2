/**
 * The Node.js binary that runs sandbox processes. The headless daemon runs under Node, so its own binary
 * serves. This is the one file of app/ and main/ that reads `process.execPath` (main/packaging.test.ts
 * lists it as the one exception, with this reason).
 *
 * In the desktop app `process.execPath` is the Electron binary, and the packaged app's fuse
 * `runAsNode: false` forbids starting it as Node (rightly: that would reopen what the fuse closes). Running
 * jobs from the desktop app (an Electron utility process, or a Node binary shipped beside the app) is
 * future work; until then the desktop app does not offer to run jobs, and says why.
 */
export function nodeBinary(): { path: string } | { reason: string } {
  if (process.versions.electron != null)
    return {
      reason:
        'jobs run in sandbox processes of the headless daemon (Node.js); the desktop app cannot start them yet',
    }
  return { path: process.execPath }
}
