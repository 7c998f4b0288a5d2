/**
 * Serves the UI from `hypermesh://app/` (see ./app-url.ts for why not `file://`). The scheme is registered
 * as privileged before the app is ready (standard, so it has an origin and relative URLs; secure, so the
 * page is a secure context), and handled once it is: each request reads the file it names from the built
 * renderer (inside app.asar once packaged) and answers with the CSP; anything else is refused.
 */
import { readFile } from 'node:fs/promises'
import { protocol, type Session } from 'electron'
import { contentTypeOf } from '../app/node'
import { APP_SCHEME, appFileFor } from './app-url'

/** Call before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

const STATUS = { 'bad-url': 400, 'other-host': 404, outside: 403, 'not-built': 404 } as const

/** Serves the files of `rendererDir` on the app's scheme in `session`, each under `csp`. */
export function serveApp(session: Session, rendererDir: string, csp: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 })
    const found = appFileFor(request.url, rendererDir)
    if ('refused' in found) return new Response(null, { status: STATUS[found.refused] })
    return new Response(await readFile(found.file), {
      headers: {
        'content-type': contentTypeOf(found.file),
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    })
  })
}
