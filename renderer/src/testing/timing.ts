/** For store tests that wait on calls: a promise settled on cue, and a watch checked under fake timers. */
import { expect, vi } from 'vitest'
import type { ApiMethod } from '../../../shared/api'
import type { FakeBridge } from './fake-bridge'

/** A promise the test settles when it chooses. */
export function gate<T>() {
  let open!: (value: T) => void
  const promise = new Promise<T>((resolve) => (open = resolve))
  return { promise, open }
}

/**
 * With fake timers on and the store polling every 10 ms: once `watch` starts, `method` is asked at least
 * `atLeast` times in 35 ms, and never again once the watch is stopped.
 */
export async function expectWatchedUntilStopped(
  bridge: FakeBridge,
  method: ApiMethod,
  watch: () => () => void,
  atLeast: number,
): Promise<void> {
  const stop = watch()
  await vi.advanceTimersByTimeAsync(35)
  const watched = bridge.callsOf(method)
  expect(watched).toBeGreaterThanOrEqual(atLeast)
  stop()
  await vi.advanceTimersByTimeAsync(100)
  expect(bridge.callsOf(method)).toBe(watched)
}
