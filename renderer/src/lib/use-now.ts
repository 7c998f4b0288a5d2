import { useEffect, useState } from 'react'

/**
 * The current time, refreshed every `everyMs` while the page is visible (for uptimes and "connected for").
 * Stops ticking when the page is hidden, like the store's polling.
 */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null
    const tick = (): void => setNow(Date.now())
    const start = (): void => {
      if (timer == null && !document.hidden) timer = setInterval(tick, everyMs)
    }
    const stop = (): void => {
      if (timer != null) clearInterval(timer)
      timer = null
    }
    const onVisibility = (): void => {
      if (document.hidden) return stop()
      tick()
      start()
    }
    start()
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      stop()
      document.removeEventListener('visibilitychange', onVisibility)
    }
  }, [everyMs])
  return now
}
