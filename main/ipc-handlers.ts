/**
 * The IPC carrier's two handlers, kept free of any runtime electron import so that they are unit-tested
 * without an Electron binary. main/ipc.ts wires them to ipcMain and webContents.
 *
 * The handler only decides *who* may call; *what* is called (envelope, method, params) is validated by the
 * node's dispatcher, the same one the local API server uses, so a call means the same on both carriers.
 */
import type { ApiDispatcher } from '../app/node'
import type { RpcEvent, RpcResponse } from '../shared/api'

/** The part of Electron's IpcMainInvokeEvent the handler reads (IpcMainInvokeEvent satisfies it). */
export interface CallEvent {
  readonly senderFrame: { readonly url: string } | null
}

export interface IpcCallHandlerInit {
  dispatcher: Pick<ApiDispatcher, 'dispatch'>
  /** True only for the app's own renderer page (see isAppUrl in ./app-url). */
  isTrustedSender: (frameUrl: string) => boolean
}

export type IpcCallHandler = (event: CallEvent, request: unknown) => Promise<RpcResponse>

const requestId = (request: unknown): number => {
  const id = (request as { id?: unknown } | null)?.id
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : 0
}

export function createIpcCallHandler({ dispatcher, isTrustedSender }: IpcCallHandlerInit): IpcCallHandler {
  return async (event, request) => {
    const frameUrl = event.senderFrame?.url
    if (frameUrl == null || !isTrustedSender(frameUrl)) {
      return {
        id: requestId(request),
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'calls are accepted only from the HyperMesh window' },
      }
    }
    try {
      return await dispatcher.dispatch(request)
    } catch (err) {
      // dispatch() is specified never to reject; if it does anyway, the renderer still gets an answer.
      return {
        id: requestId(request),
        ok: false,
        error: { code: 'INTERNAL', message: (err as Error).message },
      }
    }
  }
}

/**
 * Forwards every node event to the window through `send`. A send that throws (the window is going away)
 * must not break the node's event loop. Returns the function that stops forwarding.
 */
export function createEventForwarder(
  dispatcher: Pick<ApiDispatcher, 'subscribe'>,
  send: (event: RpcEvent) => void,
): () => void {
  return dispatcher.subscribe((event) => {
    try {
      send(event)
    } catch {
      /* no window to send to: the renderer re-reads state when it comes back */
    }
  })
}
