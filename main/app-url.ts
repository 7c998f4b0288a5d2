/**
 * Which URLs belong to the app. The UI is served from the app's own protocol, `hypermesh://app/`, a
 * standard, secure scheme registered as privileged (main/app-protocol.ts), not from `file://`: a file URL's
 * origin is every file on the disk, while this one is the UI folder alone. Pure functions (no electron
 * import), shared by the window's navigation guard, the IPC sender check and the protocol handler, and
 * unit-tested.
 */
import { uiFileFor, type UiFile } from '../app/node'

export const APP_SCHEME = 'hypermesh'
export const APP_HOST = 'app'
/** The app's one page. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * True when `candidate` is the app's own page: the app's scheme and host and the page's path, ignoring
 * only the fragment and query (the renderer may route with `#/…`). Anything else — a file: URL, another
 * host or page, http(s), data:, about:blank — is foreign.
 */
export function isAppUrl(candidate: string, appUrl: string = APP_URL): boolean {
  const a = parseUrl(candidate)
  const b = parseUrl(appUrl)
  if (a == null || b == null) return false
  return (
    a.protocol === `${APP_SCHEME}:` &&
    a.protocol === b.protocol &&
    a.host === b.host &&
    a.pathname === b.pathname
  )
}

/**
 * The UI file a request to the app's protocol names, under `rendererDir`; a refusal for another host, a
 * URL that does not parse (a malformed `%` escape), or a path outside the folder.
 */
export function appFileFor(url: string, rendererDir: string): UiFile | { refused: 'bad-url' | 'other-host' } {
  const parsed = parseUrl(url)
  if (parsed == null || parsed.protocol !== `${APP_SCHEME}:`) return { refused: 'bad-url' }
  if (parsed.host !== APP_HOST) return { refused: 'other-host' }
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return { refused: 'bad-url' }
  }
  return uiFileFor(rendererDir, path)
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
