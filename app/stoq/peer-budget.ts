/**
 * At most `perMinute` requests from one peer in any one-minute window: what every protocol handler that
 * a stranger can reach takes before it does any work for the peer. Fixed windows, peers kept in an LRU so
 * that many peer ids cost bounded memory.
 */
import { LRUCache } from 'lru-cache'

const WINDOW_MS = 60_000

export class PeerBudget {
  private readonly windows = new LRUCache<string, { startedAt: number; used: number }>({ max: 10_000 })
  constructor(readonly perMinute: number) {}

  /** Takes one from `peer`'s budget; false when it has none left this minute. */
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
