/**
 * An in-memory {@link HyperMeshBridge} for tests and the demo page: answers calls from handlers and pushes
 * events on demand, so `createApiClient(bridge)` runs exactly as it does over a real carrier.
 */
import {
  ApiError,
  type ApiEvent,
  type ApiEventPayload,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type HyperMeshBridge,
  type RpcEvent,
  type RpcRequest,
  type RpcResponse,
} from '../../../shared/api'

export type FakeHandlers = {
  [M in ApiMethod]?: (params: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>
}

export interface FakeBridge extends HyperMeshBridge {
  /** Every request received, in order. */
  readonly requests: RpcRequest[]
  handle<M extends ApiMethod>(method: M, handler: NonNullable<FakeHandlers[M]>): void
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void
  callsOf(method: ApiMethod): number
  /** The params of each request for `method`, in order. */
  paramsOf(method: ApiMethod): unknown[]
}

export function createFakeBridge(initial: FakeHandlers = {}): FakeBridge {
  const handlers: FakeHandlers = { ...initial }
  const listeners = new Set<(event: RpcEvent) => void>()
  const requests: RpcRequest[] = []

  return {
    requests,
    async call(request) {
      requests.push(request)
      const handler = handlers[request.method as ApiMethod] as ((p: unknown) => unknown) | undefined
      if (handler == null) {
        return fail(request.id, new ApiError('UNKNOWN_METHOD', `no handler for ${request.method}`))
      }
      try {
        return { id: request.id, ok: true, result: await handler(request.params) }
      } catch (err) {
        return fail(request.id, err instanceof ApiError ? err : new ApiError('INTERNAL', String(err)))
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    handle(method, handler) {
      ;(handlers as Record<string, unknown>)[method] = handler
    },
    emit(event, payload) {
      for (const listener of listeners) listener({ event, payload })
    },
    callsOf: (method) => requests.filter((r) => r.method === method).length,
    paramsOf: (method) => requests.filter((r) => r.method === method).map((r) => r.params),
  }
}

const fail = (id: number, error: ApiError): RpcResponse => ({
  id,
  ok: false,
  error: { code: error.code, message: error.message },
})
