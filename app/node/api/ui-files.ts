/**
 * The built UI's files, as both of its servers find them: the local API server (browser mode) and the
 * desktop app's `hypermesh://app` protocol. A request names a file by its decoded path; anything that
 * would leave the UI folder is refused, and an unknown path gets the app shell (index.html), so that a
 * reload on any UI route works.
 */
import { existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export const contentTypeOf = (file: string): string =>
  CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'

export type UiFile = { file: string } | { refused: 'outside' | 'not-built' }

/** The file under `uiDir` that the decoded request path `pathname` names. */
export function uiFileFor(uiDir: string, pathname: string): UiFile {
  const root = resolve(uiDir)
  const relative = normalize(pathname).replace(/^[/\\]+/, '')
  let file = join(root, relative === '' ? 'index.html' : relative)
  if (file !== root && !file.startsWith(root + sep)) return { refused: 'outside' }
  if (!existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html')
  if (!existsSync(file)) return { refused: 'not-built' }
  return { file }
}
