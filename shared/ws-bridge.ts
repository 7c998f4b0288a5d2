/**
 * The WebSocket carrier, client side: moves API envelopes to the node's local API and back.
 * Reconnects with backoff; calls made while disconnected wait for the socket, up to their timeout.
 */
import { LOCAL_API, RpcEvent, RpcResponse, type HyperMeshBridge, type RpcRequest } from './api'

/** The part of the WHATWG WebSocket this needs (browsers and Node 22 both have it). */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
}
export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike

export interface WebSocketBridgeInit {
  /** ws:// or wss:// URL of the node's `/api/ws`. */
  url: string
  token: string
  createSocket: WebSocketFactory
  /** How long a call may wait for its answer, including time spent reconnecting (ms). */
  callTimeoutMs?: number
  /** Told whenever the link goes up or down, for a connection indicator. */
  onConnectionChange?: (connected: boolean) => void
}

export interface WebSocketBridge extends HyperMeshBridge {
  close(): void
}

const OPEN = 1

export function createWebSocketBridge(init: WebSocketBridgeInit): WebSocketBridge {
  const callTimeoutMs = init.callTimeoutMs ?? 15_000
  const pending = new Map<number, (response: RpcResponse) => void>()
  const eventListeners = new Set<(event: RpcEvent) => void>()
  const waitingForOpen = new Set<() => void>()
  let socket: WebSocketLike | null = null
  let closed = false
  let retryMs = 250

  const connect = (): void => {
    const ws = init.createSocket(init.url, [LOCAL_API.wsProtocol, LOCAL_API.tokenProtocolPrefix + init.token])
    socket = ws
    ws.addEventListener('open', () => {
      retryMs = 250
      init.onConnectionChange?.(true)
      for (const wake of waitingForOpen) wake()
      waitingForOpen.clear()
    })
    ws.addEventListener('message', (message) => onMessage(message.data))
    ws.addEventListener('close', () => {
      if (socket === ws) socket = null
      init.onConnectionChange?.(false)
      // Calls in flight on this socket will not be answered; fail them so the UI can retry.
      for (const [id, resolve] of pending) {
        resolve({
          id,
          ok: false,
          error: { code: 'DISCONNECTED', message: 'lost the connection to the node' },
        })
      }
      pending.clear()
      if (!closed) setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5_000)
    })
    ws.addEventListener('error', () => {
      /* 'close' follows and handles it */
    })
  }

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      return
    }
    const response = RpcResponse.safeParse(json)
    if (response.success) {
      pending.get(response.data.id)?.(response.data)
      pending.delete(response.data.id)
      return
    }
    const event = RpcEvent.safeParse(json)
    if (event.success) for (const listener of eventListeners) listener(event.data)
  }

  const whenOpen = (deadline: number): Promise<WebSocketLike> =>
    new Promise((resolve, reject) => {
      if (socket?.readyState === OPEN) return resolve(socket)
      const timer = setTimeout(() => {
        waitingForOpen.delete(wake)
        reject(new Error('timed out waiting for the connection to the node'))
      }, deadline - Date.now())
      const wake = (): void => {
        clearTimeout(timer)
        if (socket?.readyState === OPEN) resolve(socket)
        else reject(new Error('the connection to the node closed'))
      }
      waitingForOpen.add(wake)
    })

  connect()

  return {
    async call(request: RpcRequest): Promise<RpcResponse> {
      const deadline = Date.now() + callTimeoutMs
      let ws: WebSocketLike
      try {
        ws = await whenOpen(deadline)
      } catch (err) {
        return { id: request.id, ok: false, error: { code: 'DISCONNECTED', message: (err as Error).message } }
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(request.id)
          resolve({
            id: request.id,
            ok: false,
            error: { code: 'BUSY', message: 'the node did not answer in time' },
          })
        }, deadline - Date.now())
        pending.set(request.id, (response) => {
          clearTimeout(timer)
          resolve(response)
        })
        ws.send(JSON.stringify(request))
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    close() {
      closed = true
      socket?.close(1000, 'client closed')
    },
  }
}
