/**
 * Bounds on what a stranger can make the membership protocol do: refusals logged once per peer per
 * interval with how many there were, never once per message (hellos per peer: app/stoq PeerBudget).
 */
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'

const WINDOW_MS = 60_000

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
