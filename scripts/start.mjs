// npm start [-- --headless] [-- <daemon flags>]: builds, then opens the desktop app where an Electron
// binary (and a display) exists; otherwise runs the node headless and prints the dashboard URL.
import { spawn, spawnSync } from 'node:child_process'
import { daemonHeapFlags, followChild, spawnDaemon } from './daemon-launch.mjs'
import { requireNode22 } from './node-version.mjs'
import { findElectronBinary } from './electron-binary.mjs'

requireNode22()
const args = process.argv.slice(2)
const forceHeadless = args.includes('--headless')
const electron = findElectronBinary()
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
const desktop = !forceHeadless && electron.path != null && hasDisplay

const built = spawnSync(process.execPath, ['scripts/build.mjs', ...(desktop ? [] : ['--only', 'node'])], {
  stdio: 'inherit',
})
if (built.status !== 0) process.exit(built.status ?? 1)
if (!desktop) {
  // The UI is needed in headless mode too: the daemon serves it.
  const ui = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'renderer'], { stdio: 'inherit' })
  if (ui.status !== 0) process.exit(ui.status ?? 1)
}

let child
if (desktop) {
  // Electron's main process hosts the node: its V8 takes the same heap cap through --js-flags.
  const heap = daemonHeapFlags(args)
  const jsFlags = heap.length === 0 ? [] : [`--js-flags=${heap.join(' ')}`]
  child = spawn(electron.path, [...jsFlags, 'dist/main/index.js', ...args], { stdio: 'inherit' })
} else {
  if (!forceHeadless) {
    const why = electron.path == null ? electron.reason : 'no display ($DISPLAY is not set)'
    console.log(`Starting headless: ${why}. Open the dashboard in your browser instead, at the URL below.\n`)
  }
  child = spawnDaemon(args.filter((a) => a !== '--headless'))
}
followChild(child)
