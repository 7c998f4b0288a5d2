/**
 * The node's book of peers' FALCON keys, the STOQ layer's PeerKeyDirectory port: the key bound to a peer
 * id (by the active ledger's peer bindings or the network's genesis, else by the credential it was
 * admitted as a member with), the keys each peer proved in a STOQ handshake with this node (what
 * membership checks a credential's key against), and every peer that ever spoke STOQ with it, kept in
 * SQLite so that classical Noise stays refused from it after a restart.
 */
import type { DatabaseSync } from 'node:sqlite'
import { LRUCache } from 'lru-cache'
import { fromBase64, toBase64 } from '../../consensus'
import type { PeerKeyDirectory } from '../../stoq'

/** Peers remembered as speaking STOQ; the least recently seen beyond this are forgotten. */
const MAX_STOQ_PEERS = 10_000
/** Keys remembered per peer (a peer id has one key once bound; before that, a few are kept). */
const MAX_KEYS_PER_PEER = 4
const PRUNE_EVERY = 256

export class PeerKeyBook implements PeerKeyDirectory {
  private readonly proven = new LRUCache<string, string[]>({ max: MAX_STOQ_PEERS })
  /** Members' keys, as their credentials named them (the network's FALCON signatures vouch for them). */
  private readonly pinned = new LRUCache<string, string>({ max: MAX_STOQ_PEERS })
  private bound: (peerId: string) => string | undefined = () => undefined
  private writes = 0

  constructor(private readonly db: DatabaseSync) {}

  /** Where bound keys (base64) come from: the node sets this once its ledger and network exist. */
  bindingsFrom(lookup: (peerId: string) => string | undefined): void {
    this.bound = lookup
  }

  boundFalconKey(peerId: string): Uint8Array | undefined {
    const key = this.bound(peerId) ?? this.pinned.get(peerId)
    return key == null ? undefined : fromBase64(key)
  }

  /** A member's credential named `falconKey` for `peerId`: other keys are refused from now on. */
  pin(peerId: string, falconKey: string): void {
    this.pinned.set(peerId, falconKey)
  }

  speaksStoq(peerId: string): boolean {
    if (this.bound(peerId) != null || this.proven.has(peerId) || this.pinned.has(peerId)) return true
    return this.db.prepare('SELECT 1 FROM stoq_peers WHERE peer_id = ?').get(peerId) != null
  }

  provedFalconKey(peerId: string, falconKey: Uint8Array): void {
    const key = toBase64(falconKey)
    const keys = (this.proven.get(peerId) ?? []).filter((k) => k !== key)
    this.proven.set(peerId, [...keys, key].slice(-MAX_KEYS_PER_PEER))
    this.db
      .prepare(
        `INSERT INTO stoq_peers (peer_id, last_seen) VALUES (?, ?)
         ON CONFLICT(peer_id) DO UPDATE SET last_seen = excluded.last_seen`,
      )
      .run(peerId, Date.now())
    if (++this.writes % PRUNE_EVERY === 0) {
      this.db
        .prepare(
          'DELETE FROM stoq_peers WHERE peer_id NOT IN (SELECT peer_id FROM stoq_peers ORDER BY last_seen DESC LIMIT ?)',
        )
        .run(MAX_STOQ_PEERS)
    }
  }

  /** The FALCON keys (base64) `peerId` proved in STOQ handshakes with this node since it started, latest last. */
  provenKeys(peerId: string): readonly string[] {
    return this.proven.get(peerId) ?? []
  }
}
