/**
 * The local API carrier for the headless daemon and browser mode: serves the UI's static files, and the
 * API contract at `POST /api/call` and over a WebSocket at `/api/ws`. Every API request needs the access
 * token; see auth.ts for the Host and Origin rules.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { LOCAL_API, type RpcEvent } from '../../../shared/api'
import type { ApiDispatcher } from './dispatcher'
import { checkRequest, createAccessToken, originPolicy, type OriginPolicy } from './auth'
import { choosePort } from '../ports'
import { contentTypeOf, uiFileFor } from './ui-files'

export interface LocalApiServerInit {
  dispatcher: ApiDispatcher
  /** Loopback by default; anything else exposes the node to the network (the token still applies). */
  host?: string
  /** Tried first; if taken, a free port is used. 0 = any free port. */
  port?: number
  /** Built renderer (index.html and assets) to serve at `/`; omit to serve the API only. */
  staticDir?: string
  /** Use this token instead of a fresh random one (for tests and the testnet command). */
  token?: string
}

export interface LocalApiServer {
  readonly url: string
  readonly port: number
  readonly token: string
  /** The URL to open in a browser: the UI, with the token in the fragment (never sent to the server). */
  readonly uiUrl: string
  close(): Promise<void>
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

/** Events are dropped for a client that has this much unsent; answers to its calls are not. */
const MAX_BUFFERED_EVENT_BYTES = 1024 * 1024

export async function startLocalApiServer(init: LocalApiServerInit): Promise<LocalApiServer> {
  const host = init.host ?? '127.0.0.1'
  const token = init.token ?? createAccessToken()
  const wantedPort = init.port ?? 0
  const port = await choosePort(wantedPort, [host])
  let policy: OriginPolicy = originPolicy(host, port)

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LOCAL_API.maxMessageBytes,
    handleProtocols: (p) => (p.has(LOCAL_API.wsProtocol) ? LOCAL_API.wsProtocol : false),
  })
  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: Error) => send(res, 500, { error: err.message }))
  })

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = requestPath(req.url)
    if (path == null) return send(res, 400, { error: BAD_URL })
    if (path.raw === LOCAL_API.callPath) return handleCall(req, res)
    if (path.raw.startsWith('/api/')) return send(res, 404, { error: 'no such API path' })
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' })
    return serveStatic(init.staticDir, path.decoded, res)
  }

  const handleCall = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const auth = checkRequest(policy, req.headers, bearerToken(req.headers.authorization), token)
    if (!auth.ok) return send(res, auth.status, { error: auth.reason })
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' })
    const body = await readBody(req, LOCAL_API.maxMessageBytes)
    if (body == null) return send(res, 413, { error: `request body over ${LOCAL_API.maxMessageBytes} bytes` })
    let request: unknown
    try {
      request = JSON.parse(body)
    } catch {
      return send(res, 400, { error: 'request body is not JSON' })
    }
    send(res, 200, await init.dispatcher.dispatch(request))
  }

  server.on('upgrade', (req, socket, head) => {
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
    const offered = protocols.find((p) => p.startsWith(LOCAL_API.tokenProtocolPrefix))
    const auth =
      requestPath(req.url)?.raw !== LOCAL_API.wsPath
        ? ({ ok: false, status: 403, reason: 'no such path' } as const)
        : checkRequest(
            policy,
            req.headers,
            offered?.slice(LOCAL_API.tokenProtocolPrefix.length) ?? null,
            token,
          )
    if (!auth.ok) {
      socket.end(
        `HTTP/1.1 ${auth.status} ${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws))
  })

  const serveSocket = (ws: WebSocket): void => {
    const unsubscribe = init.dispatcher.subscribe((event: RpcEvent) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_EVENT_BYTES)
        ws.send(JSON.stringify(event))
    })
    ws.on('message', (data, isBinary) => {
      let request: unknown
      try {
        request = isBinary ? undefined : JSON.parse(data.toString())
      } catch {
        request = undefined
      }
      void init.dispatcher.dispatch(request).then((response) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response))
      })
    })
    ws.on('close', unsubscribe)
    ws.on('error', unsubscribe)
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen({ host, port }, () => resolveListen())
  })
  const bound = (server.address() as AddressInfo).port
  policy = originPolicy(host, bound)
  const hostInUrl = host.includes(':') ? `[${host}]` : host
  const base = `http://${hostInUrl}:${bound}`

  return {
    url: base,
    port: bound,
    token,
    uiUrl: `${base}/#token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

const BAD_URL = 'the request URL does not parse (a malformed % escape, or not a path)'

/**
 * A request URL's path as sent (API routes match it exactly) and decoded (for UI files); null when it
 * does not parse or holds a malformed `%` escape: the caller's mistake, answered with 400.
 */
export function requestPath(requestUrl: string | undefined): { raw: string; decoded: string } | null {
  try {
    const raw = new URL(requestUrl ?? '/', 'http://localhost').pathname
    return { raw, decoded: decodeURIComponent(raw) }
  } catch {
    return null
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1] ?? null
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(JSON.stringify(body))
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true // keep reading (and dropping) so the client gets our 413, not a reset
      if (!tooLarge) chunks.push(chunk)
    })
    req.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function serveStatic(staticDir: string | undefined, pathname: string, res: ServerResponse): void {
  if (staticDir == null) return send(res, 404, { error: 'this node serves the API only' })
  const found = uiFileFor(staticDir, pathname)
  if ('refused' in found)
    return found.refused === 'outside'
      ? send(res, 403, { error: 'outside the UI folder' })
      : send(res, 404, { error: 'UI not built; run npm run build' })
  const { file } = found
  res.writeHead(200, {
    'content-type': contentTypeOf(file),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
  })
  createReadStream(file).pipe(res)
}
