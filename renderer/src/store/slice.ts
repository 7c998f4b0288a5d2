/**
 * What store.ts hands each area's slice of actions, the way a slice runs a form's one-off call, and how a
 * slice that a view watches reads its area again.
 */
import type { HyperMeshApi } from '../../../shared/api'
import { startPolling, type VisibilitySource } from './polling'
import type { Area, HyperMeshState, Outcome, UiError } from './types'

export interface SliceParts<A extends Area> {
  api: HyperMeshApi
  get: () => HyperMeshState
  set: (patch: Partial<HyperMeshState>) => void
  /** store.ts's read, narrowed to the slice's own area so it cannot set another area's error. */
  read: <T>(area: A, call: () => Promise<T>, apply: (value: T) => void) => Promise<void>
  failed: (err: unknown) => UiError
}

/** Runs a one-off call for a form: its value, or why not (still classified, so a lost link shows). */
export async function outcomeOf<T>(
  call: () => Promise<T>,
  failed: (err: unknown) => UiError,
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() }
  } catch (err) {
    return { ok: false, message: failed(err).message }
  }
}

/** What a slice whose view watches it gets besides: whether the page is shown, and its pace (tests shorten it). */
export interface WatchedSliceParts<A extends Area> extends SliceParts<A> {
  visibility: VisibilitySource
  everyMs?: number
}

/** Runs `refresh` every `parts.everyMs` (else `defaultMs`) while the page is shown; the function stops it. */
export function watchEvery(
  parts: Pick<WatchedSliceParts<Area>, 'visibility' | 'everyMs'>,
  defaultMs: number,
  refresh: () => Promise<unknown>,
): () => void {
  return startPolling([{ everyMs: parts.everyMs ?? defaultMs, run: refresh }], parts.visibility)
}
