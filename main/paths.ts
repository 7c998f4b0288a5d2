/**
 * Where the desktop app finds its own files at run time. main/index.ts is bundled to dist/main/index.cjs, so
 * __dirname is dist/main (inside app.asar once packaged).
 */
import { join } from 'node:path'
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
