// Launches the headless daemon with the node flags it asks for (`--print-heap-flags`): its heap cap, in
// proportion to the connections it may hold (app/node/heap-cap.ts). Used by npm start and npm run daemon.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'

const CLI = join(import.meta.dirname, '..', 'dist', 'daemon', 'cli.js')
const NODE_OPTIONS = ['--disable-warning=ExperimentalWarning']
const HEAP_FLAG = /^--max-old-space-size=\d+$/

/**
 * The heap flag for the node these daemon arguments describe (its data dir's config and flags); none when
 * the daemon cannot say, as for bad arguments, which the daemon then reports itself when started.
 */
export function daemonHeapFlags(daemonArgs) {
  const asked = spawnSync(process.execPath, [...NODE_OPTIONS, CLI, ...daemonArgs, '--print-heap-flags'], {
    encoding: 'utf8',
  })
  if (asked.status !== 0) return []
  return asked.stdout
    .trim()
    .split(/\s+/)
    .filter((flag) => HEAP_FLAG.test(flag))
}

/**
 * Starts the daemon with its heap cap, sharing this terminal unless told otherwise.
 * @param {string[]} daemonArgs
 * @param {{ stdio?: import('node:child_process').StdioOptions, env?: NodeJS.ProcessEnv }} [options]
 */
export function spawnDaemon(daemonArgs, options = {}) {
  return spawn(process.execPath, [...NODE_OPTIONS, ...daemonHeapFlags(daemonArgs), CLI, ...daemonArgs], {
    stdio: options.stdio ?? 'inherit',
    env: options.env ?? process.env,
  })
}

/** Hands Ctrl+C and SIGTERM on to the child, and exits with its status. */
export function followChild(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal == null ? 0 : 1)))
}
