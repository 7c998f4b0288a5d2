/**
 * The one entry point both carriers call. It refuses anything that is not a known method with valid params,
 * turns every failure into a typed error response, and never lets a bad call throw into the carrier.
 */
import type { z } from 'zod'
import {
  ApiError,
  apiEvents,
  apiMethods,
  isApiMethod,
  RpcRequest,
  type ApiEvent,
  type ApiEventPayload,
  type ApiMethod,
  type ApiResult,
  type RpcEvent,
  type RpcResponse,
} from '../../../shared/api'
import { apiErrorOf } from './domain-errors'

/** What the node implements: one function per method, given params already validated. */
export type ApiHandlers = {
  [M in ApiMethod]: (params: z.output<(typeof apiMethods)[M]['params']>) => Promise<ApiResult<M>>
}

export interface ApiDispatcher {
  /** Answer one request envelope (raw, as it came off the carrier). Never rejects. */
  dispatch(request: unknown): Promise<RpcResponse>
  /** Every event the node emits, already checked against its schema. */
  subscribe(listener: (event: RpcEvent) => void): () => void
  /** Used by the node to publish an event to every subscriber. */
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void
}

export interface DispatcherLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')

export function createApiDispatcher(handlers: ApiHandlers, log: DispatcherLog): ApiDispatcher {
  const subscribers = new Set<(event: RpcEvent) => void>()

  const fail = (id: number, error: ApiError): RpcResponse => ({
    id,
    ok: false,
    error: { code: error.code, message: error.message },
  })

  return {
    async dispatch(raw: unknown): Promise<RpcResponse> {
      const envelope = RpcRequest.safeParse(raw)
      if (!envelope.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : 0
        return fail(id, new ApiError('BAD_REQUEST', `malformed request: ${describeIssues(envelope.error)}`))
      }
      const { id, method, params } = envelope.data
      if (!isApiMethod(method)) return fail(id, new ApiError('UNKNOWN_METHOD', `no such method: ${method}`))

      const spec = apiMethods[method]
      const parsedParams = spec.params.safeParse(params)
      if (!parsedParams.success) {
        return fail(
          id,
          new ApiError('BAD_REQUEST', `invalid params for ${method}: ${describeIssues(parsedParams.error)}`),
        )
      }
      try {
        const handler = handlers[method] as (p: unknown) => Promise<unknown>
        const result = await handler(parsedParams.data)
        // The node checks its own answers too: a wrong shape is our bug, reported as such.
        const checked = spec.result.safeParse(result)
        if (!checked.success) {
          log.error(
            { method, issues: checked.error.issues },
            'handler returned a result that breaks the contract',
          )
          return fail(id, new ApiError('INTERNAL', `the node produced an invalid answer for ${method}`))
        }
        return { id, ok: true, result: checked.data }
      } catch (err) {
        const known = apiErrorOf(err)
        if (known != null) return fail(id, known)
        log.error({ method, err }, 'API handler failed')
        const reason = err instanceof Error ? err.message : 'an unexpected error (see the node log)'
        return fail(id, new ApiError('INTERNAL', `${method} failed: ${reason}`))
      }
    },

    subscribe(listener) {
      subscribers.add(listener)
      return () => subscribers.delete(listener)
    },

    emit(event, payload) {
      const checked = apiEvents[event].safeParse(payload)
      if (!checked.success) {
        log.error(
          { event, issues: checked.error.issues },
          'refusing to emit an event that breaks the contract',
        )
        return
      }
      for (const listener of subscribers) {
        try {
          listener({ event, payload: checked.data })
        } catch (err) {
          log.warn({ event, err }, 'an event subscriber threw')
        }
      }
    },
  }
}
