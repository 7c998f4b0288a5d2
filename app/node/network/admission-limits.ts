/**
 * Bounds on what a stranger can make the membership protocol do: hellos per peer per minute, and refusals
 * logged once per peer per interval with how many there were, never once per message.
 */
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'

const WINDOW_MS = 60_000

/** At most `perMinute` hellos from one peer in any one-minute window (fixed windows, peers in an LRU). */
export class HelloBudget {
  private readonly windows = new LRUCache<string, { startedAt: number; used: number }>({ max: 10_000 })
  constructor(private readonly perMinute = 20) {}

  take(peer: string, now = Date.now()): boolean {
    const window = this.windows.get(peer)
    if (window == null || now - window.startedAt >= WINDOW_MS) {
      this.windows.set(peer, { startedAt: now, used: 1 })
      return true
    }
    window.used++
    return window.used <= this.perMinute
  }
}

/** Counts refusals by reason, and logs each peer's at most once per interval. */
export class RefusalLog {
  readonly counts: Record<string, number> = {}
  private readonly pending = new LRUCache<string, { since: number; count: number; last: string }>({
    max: 10_000,
  })

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = WINDOW_MS,
  ) {}

  note(peer: string, reason: string, detail: string, now = Date.now()): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1
    const entry = this.pending.get(peer)
    if (entry != null && now - entry.since < this.intervalMs) {
      entry.count++
      entry.last = detail
      return
    }
    const earlier = entry?.count ?? 0
    this.pending.set(peer, { since: now, count: 0, last: detail })
    this.log.warn(
      { peer, reason, detail, refusedSinceLastLog: earlier },
      'refused a peer’s membership (logged at most once a minute per peer)',
    )
  }
}
