/**
 * Which URLs belong to the app. Pure functions (no electron import), shared by the window's navigation guard
 * and the IPC sender check, and unit-tested.
 */
import { pathToFileURL } from 'node:url'

/** The file URL of the renderer's index.html, the one page the app window ever shows. */
export const rendererFileUrl = (indexHtmlPath: string): string => pathToFileURL(indexHtmlPath).href

/**
 * True when `candidate` is the app's own page: same file: URL, ignoring only the fragment and query (the
 * renderer may route with `#/…`). Anything else — another file, http(s), data:, about:blank — is foreign.
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  const a = parseUrl(candidate)
  const b = parseUrl(appUrl)
  if (a == null || b == null) return false
  return a.protocol === 'file:' && b.protocol === 'file:' && a.host === b.host && a.pathname === b.pathname
}

/** A link the OS browser may open: only http: and https:, nothing that could run a local program. */
export function isExternalWebUrl(candidate: string): boolean {
  const url = parseUrl(candidate)
  return url != null && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}
