/** Virtual time for driver tests: timers run in order as the test moves the clock on. */
import type { Clock } from '../../app/consensus/driver'

export function virtualClock(start = 0): { clock: Clock; advance(ms: number): void } {
  let now = start
  let timers: { at: number; fn: () => void }[] = []
  const clock: Clock = {
    now: () => now,
    setTimer(ms, fn) {
      const timer = { at: now + ms, fn }
      timers.push(timer)
      return () => (timers = timers.filter((t) => t !== timer))
    },
  }
  const advance = (ms: number): void => {
    const until = now + ms
    for (;;) {
      const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (next == null) break
      timers = timers.filter((t) => t !== next)
      now = next.at
      next.fn()
    }
    now = until
  }
  return { clock, advance }
}
