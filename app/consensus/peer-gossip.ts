/**
 * What each peer has of the current height's proposals and votes, so that gossip sends a peer only what it
 * lacks and can use. A peer has a message when it sent it to us (every node relays what it accepts, so a
 * relay is its acknowledgement), or when we sent it while the peer could accept it; a send that may have
 * been dropped is repeated after `resendMs`. Before this, every known vote went to every peer every 200 ms,
 * so a validator that signed votes for far rounds multiplied the traffic (issue 17, item 21).
 */

/** A peer as its status describes it: its last committed height, and its round at the next height. */
interface PeerView {
  height: number
  round: number
}

interface Mark {
  readonly at: number
  /** The peer's round when we sent it; −1 when the peer sent it to us. */
  readonly peerRound: number
}

export interface GossipItem<M> {
  readonly key: string
  readonly round: number
  readonly message: M
}

export class PeerGossip {
  /** In order of the last status heard, oldest first. */
  private readonly peers = new Map<string, PeerView>()
  private marks = new Map<string, Map<string, Mark>>()
  private height = 0

  constructor(
    private readonly resendMs: number,
    private readonly maxPeers: number,
  ) {}

  /** A peer's status. Peers are only members of the network; the least recently heard go beyond maxPeers. */
  status(peer: string, height: number, round: number): void {
    this.peers.delete(peer)
    this.peers.set(peer, { height, round })
    if (this.peers.size > this.maxPeers) {
      const oldest = this.peers.keys().next().value as string
      this.peers.delete(oldest)
      this.marks.delete(oldest)
    }
  }

  /** Peers whose next height is `height` (they are deciding it, or have not committed it yet). */
  peersAt(height: number): string[] {
    return [...this.peers].filter(([, view]) => view.height + 1 === height).map(([peer]) => peer)
  }

  /** Forgets what peers had when this node moves to another height. */
  atHeight(height: number): void {
    if (height === this.height) return
    this.height = height
    this.marks = new Map()
  }

  /** `peer` sent us this message of the current height: it has it. */
  received(peer: string, key: string, now: number): void {
    if (this.peers.has(peer)) this.marksOf(peer).set(key, { at: now, peerRound: -1 })
  }

  /** We sent this message to every peer (a broadcast). */
  sentToAll(key: string, now: number): void {
    for (const [peer, view] of this.peers)
      if (view.height + 1 === this.height && !this.marksOf(peer).has(key))
        this.marksOf(peer).set(key, { at: now, peerRound: view.round })
  }

  /**
   * Of `items` (messages of the current height), those `peer` lacks, each marked as sent now. A message for
   * a round beyond the peer's next is sent once (its sender then counts toward the peer's round skip,
   * line 55), and again when the peer has reached a round where it tallies it.
   */
  lacking<M>(peer: string, items: readonly GossipItem<M>[], now: number): GossipItem<M>[] {
    const view = this.peers.get(peer)
    if (view == null) return []
    const marks = this.marksOf(peer)
    const out: GossipItem<M>[] = []
    for (const item of items) {
      const mark = marks.get(item.key)
      if (mark != null) {
        if (mark.peerRound < 0) continue
        const fresh = now - mark.at < this.resendMs
        const nowUsable = item.round > mark.peerRound + 1 && item.round <= view.round + 1
        if (fresh && !nowUsable) continue
      }
      marks.set(item.key, { at: now, peerRound: view.round })
      out.push(item)
    }
    return out
  }

  private marksOf(peer: string): Map<string, Mark> {
    let marks = this.marks.get(peer)
    if (marks == null) {
      marks = new Map()
      this.marks.set(peer, marks)
    }
    return marks
  }
}
