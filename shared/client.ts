/**
 * The typed client over either carrier. A carrier only moves envelopes ({@link HyperMeshBridge});
 * this turns them into typed calls, checks every result against its schema, and raises {@link ApiError}.
 */
import {
  ApiError,
  apiEvents,
  apiMethods,
  type ApiEvent,
  type ApiEventPayload,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type HyperMeshApi,
  type HyperMeshBridge,
} from './api'

export function createApiClient(bridge: HyperMeshBridge): HyperMeshApi {
  let nextId = 1
  const listeners = new Map<string, Set<(payload: never) => void>>()

  bridge.onEvent(({ event, payload }) => {
    const set = listeners.get(event)
    if (set == null || !Object.hasOwn(apiEvents, event)) return
    const parsed = apiEvents[event as ApiEvent].safeParse(payload)
    if (!parsed.success) return // a malformed event is dropped, never handed to the UI
    for (const listener of set) listener(parsed.data as never)
  })

  return {
    async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      const response = await bridge.call({ id: nextId++, method, params })
      if (!response.ok) throw new ApiError(response.error.code, response.error.message)
      const parsed = apiMethods[method].result.safeParse(response.result)
      if (!parsed.success) {
        throw new ApiError('INTERNAL', `the node answered ${method} with an unexpected shape`)
      }
      return parsed.data as ApiResult<M>
    },
    on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
      let set = listeners.get(event)
      if (set == null) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => set.delete(listener as (payload: never) => void)
    },
  }
}
