/**
 * Where the desktop app finds its own files at run time. main/index.ts is bundled to dist/main/index.cjs, so
 * __dirname is dist/main (inside app.asar once packaged).
 */
import { join, sep } from 'node:path'
import { app } from 'electron'

export const PRELOAD_PATH = join(__dirname, '../preload/index.cjs')
/** The built renderer, served on the app's protocol (app-protocol.ts). */
export const RENDERER_DIR = join(__dirname, '../renderer')

/** Icons ship as extraResources (resources/icons) when packaged, and come from build/icons in development. */
export function iconPath(fileName: string): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'icons', fileName)
    : join(__dirname, '../../build/icons', fileName)
}

/**
 * What runs other peers' jobs in the desktop app. Not this binary (app/jobs/sandbox/node-binary.ts says
 * why): the project's own Node.js, shipped as extraResources (resources/node/, electron-builder.yml), and
 * the sandbox runner unpacked from app.asar with the runtimes' packages (asarUnpack), since a plain Node
 * process cannot read inside app.asar. In development: the Node.js that npm runs and dist/jobs-runner.
 */
export function jobSandboxPaths(): { nodePath: string; runnerPath: string } {
  const runner = join(__dirname, '../jobs-runner/runner.mjs')
  if (!app.isPackaged)
    return {
      nodePath: process.env.npm_node_execpath ?? join(__dirname, '../../node_modules/.bin/node'),
      runnerPath: runner,
    }
  return {
    nodePath: join(process.resourcesPath, 'node', process.platform === 'win32' ? 'node.exe' : 'node'),
    runnerPath: runner.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`),
  }
}
