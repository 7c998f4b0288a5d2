/**
 * How many inbound handshakes may start, by rate: per network (./network-prefix.ts) and from all hosts
 * together. The global budget bounds the CPU that strangers can make a node spend on handshakes; a small
 * reserve beside it admits a network that has started no handshake in the last second even while the
 * budget is spent, so a flood from a few networks does not lock a new one out.
 */
import { LRUCache } from 'lru-cache'

export interface HandshakeRates {
  /** New inbound connections one network may open per second (and at once, after a quiet second). */
  perNetworkPerSecond: number
  /** New inbound handshakes per second from all hosts together. */
  globalPerSecond: number
}

export type BudgetRefusal = 'network-rate' | 'global-budget'

/** A token bucket holding up to one second of its rate. */
class Bucket {
  private tokens: number
  private at: number
  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond
    this.at = now
  }

  /** True when no token has been taken for a second or more. */
  full(now: number): boolean {
    this.refill(now)
    return this.tokens >= this.perSecond
  }

  take(now: number): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
  }
}

/** Networks whose buckets are remembered; one forgotten starts again with a full bucket. */
const NETWORKS_KEPT = 4096

export class HandshakeBudget {
  private readonly networks = new LRUCache<string, Bucket>({ max: NETWORKS_KEPT })
  private readonly global: Bucket
  private readonly reserve: Bucket

  constructor(
    private readonly rates: HandshakeRates,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.global = new Bucket(rates.globalPerSecond, now())
    this.reserve = new Bucket(Math.max(1, Math.ceil(rates.globalPerSecond / 10)), now())
  }

  /** Takes the tokens for one new handshake from `network`: null when admitted, else why not. */
  admit(network: string): BudgetRefusal | null {
    const now = this.now()
    let bucket = this.networks.get(network)
    if (bucket == null) {
      bucket = new Bucket(this.rates.perNetworkPerSecond, now)
      this.networks.set(network, bucket)
    }
    const quiet = bucket.full(now)
    if (!bucket.take(now)) return 'network-rate'
    if (this.global.take(now)) return null
    return quiet && this.reserve.take(now) ? null : 'global-budget'
  }
}
