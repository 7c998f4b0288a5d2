/**
 * HyperMesh nodes found on the LAN (mDNS) that are not known members of this node's network, kept while
 * they keep announcing themselves. Joining one's network takes an invite from it: a node says nothing of
 * its network to a caller that proves no membership, so an offer names only the node. mDNS says when a
 * peer appears but never that it left, so an offer not seen again within its time to live is dropped:
 * the dashboard must not list a node that is gone.
 */
import type { LanOffer } from '../../../shared/api'

/** A live node is probed again every 30 s (when mDNS finds it); three missed refreshes drop its offer. */
export const OFFER_REFRESH_MS = 30_000
export const OFFER_TTL_MS = 3 * OFFER_REFRESH_MS

export class LanOfferBook {
  private readonly offers = new Map<string, LanOffer>()

  constructor(
    private readonly refreshMs = OFFER_REFRESH_MS,
    private readonly ttlMs = OFFER_TTL_MS,
  ) {}

  /** True if `peer` has no offer recent enough: the caller should probe it. */
  needsProbe(peer: string, now = Date.now()): boolean {
    const offer = this.offers.get(peer)
    return offer == null || now - offer.seenAt >= this.refreshMs
  }

  set(offer: LanOffer): void {
    this.offers.set(offer.peerId, offer)
  }

  get(peer: string, now = Date.now()): LanOffer | undefined {
    const offer = this.offers.get(peer)
    return offer != null && now - offer.seenAt < this.ttlMs ? offer : undefined
  }

  /** Forgets `peer`'s offer; true if there was one. */
  delete(peer: string): boolean {
    return this.offers.delete(peer)
  }

  /** Live offers. */
  list(now = Date.now()): LanOffer[] {
    return [...this.offers.values()].filter((o) => now - o.seenAt < this.ttlMs)
  }

  /** Drops offers past their time to live; true if any were dropped. */
  expire(now = Date.now()): boolean {
    let dropped = false
    for (const [peer, offer] of this.offers) {
      if (now - offer.seenAt >= this.ttlMs) dropped = this.offers.delete(peer) || dropped
    }
    return dropped
  }
}
