/**
 * Picks the carrier of the API contract:
 * - in the Electron window, the preload's `window.hypermesh` bridge (IPC);
 * - in a browser, the node's local WebSocket API, authenticated with the token from the URL `npm start` prints.
 */
import { LOCAL_API, type HyperMeshApi } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createWebSocketBridge, type WebSocketLike } from '../../../shared/ws-bridge'
import { forgetToken, resolveToken, type TokenEnvironment } from './token'

/** What the carrier knows about the link itself, before any call fails. */
export type LinkState = 'connected' | 'reconnecting' | 'unauthorized'

export interface LinkMonitor {
  subscribe(listener: (state: LinkState) => void): () => void
}

export type Connection =
  | {
      kind: 'ready'
      carrier: 'electron' | 'websocket'
      api: HyperMeshApi
      link: LinkMonitor
      /** Stop using this connection for good (the token was refused): close the socket, forget the token. */
      dispose(): void
    }
  | { kind: 'auth-required' }

/** WebSocket close codes a node may use to refuse the token (4401/4403 by convention, 1008 policy). */
const REFUSED_CLOSE_CODES = new Set([1008, 4401, 4403])

export function connect(): Connection {
  if (window.hypermesh != null) {
    return {
      kind: 'ready',
      carrier: 'electron',
      api: createApiClient(window.hypermesh),
      link: { subscribe: () => () => {} },
      dispose: () => {},
    }
  }

  const storage = sessionStorageOrNull()
  const token = resolveToken({ hash: location.hash, storage, replaceHash })
  if (token == null) return { kind: 'auth-required' }
  return connectWebSocket(token, storage)
}

function connectWebSocket(token: string, storage: TokenEnvironment['storage']): Connection {
  const link = createLinkEmitter()
  let everOpened = false
  let probed = false

  const createSocket = (url: string, protocols: string[]): WebSocketLike => {
    const socket = new WebSocket(url, protocols)
    socket.addEventListener('open', () => {
      everOpened = true
    })
    socket.addEventListener('close', (event) => {
      if (REFUSED_CLOSE_CODES.has(event.code)) return link.emit('unauthorized')
      // A browser hides why an upgrade failed. The page came from this node, so it is up: ask it once over
      // HTTP whether the token is the reason.
      if (!everOpened && !probed) {
        probed = true
        void tokenRefusedOverHttp(token).then((refused) => refused && link.emit('unauthorized'))
      }
    })
    return socket
  }

  const bridge = createWebSocketBridge({
    url: webSocketUrl(location),
    token,
    createSocket,
    onConnectionChange: (connected) => link.emit(connected ? 'connected' : 'reconnecting'),
  })

  return {
    kind: 'ready',
    carrier: 'websocket',
    api: createApiClient(bridge),
    link,
    dispose: () => {
      bridge.close()
      forgetToken(storage)
    },
  }
}

/** ws(s)://<host>/api/ws of the node that served this page. */
export function webSocketUrl(where: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = where.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${where.host}${LOCAL_API.wsPath}`
}

async function tokenRefusedOverHttp(token: string): Promise<boolean> {
  try {
    const response = await fetch(LOCAL_API.callPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ id: 0, method: 'node.status', params: {} }),
    })
    return response.status === 401 || response.status === 403
  } catch {
    return false
  }
}

function createLinkEmitter(): LinkMonitor & { emit(state: LinkState): void } {
  const listeners = new Set<(state: LinkState) => void>()
  let refused = false
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(state) {
      if (refused) return // a refused token stays refused; reconnect noise must not hide it
      if (state === 'unauthorized') refused = true
      for (const listener of listeners) listener(state)
    },
  }
}

function replaceHash(hash: string): void {
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}
