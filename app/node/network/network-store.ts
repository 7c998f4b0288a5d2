/**
 * Persistent network membership: the networks this node knows (by genesis), which one is active, this
 * node's credential on each (./credential.ts), and the peers seen in each, so a restarted node can find
 * its network again.
 */
import type { DatabaseSync } from 'node:sqlite'
import { GenesisDocument, networkIdOf } from '../../consensus'
import { Credential, credentialEndsAt } from './credential'

export interface StoredNetwork {
  networkId: string
  name: string
  genesis: GenesisDocument
  ownDevnet: boolean
  joinedAt: number
}

export interface KnownPeer {
  peerId: string
  addrs: string[]
  lastSeen: number
}

/** Peers remembered per network; the oldest beyond this are forgotten. */
const MAX_KNOWN_PEERS = 200

export class NetworkStore {
  constructor(private readonly db: DatabaseSync) {}

  saveNetwork(genesis: GenesisDocument, ownDevnet: boolean, joinedAt = Date.now()): StoredNetwork {
    const networkId = networkIdOf(genesis)
    this.db
      .prepare(
        `INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(network_id) DO UPDATE SET joined_at = excluded.joined_at`,
      )
      .run(networkId, genesis.name, JSON.stringify(genesis), ownDevnet ? 1 : 0, joinedAt)
    return { networkId, name: genesis.name, genesis, ownDevnet, joinedAt }
  }

  getNetwork(networkId: string): StoredNetwork | undefined {
    const row = this.db.prepare('SELECT * FROM networks WHERE network_id = ?').get(networkId) as
      { network_id: string; name: string; genesis: string; own_devnet: number; joined_at: number } | undefined
    if (row == null) return undefined
    const genesis = GenesisDocument.parse(JSON.parse(row.genesis))
    if (networkIdOf(genesis) !== row.network_id)
      throw new Error(`stored genesis of ${row.network_id} does not match its id`)
    return {
      networkId: row.network_id,
      name: row.name,
      genesis,
      ownDevnet: row.own_devnet === 1,
      joinedAt: row.joined_at,
    }
  }

  ownDevnet(): StoredNetwork | undefined {
    const row = this.db.prepare('SELECT network_id FROM networks WHERE own_devnet = 1 LIMIT 1').get() as
      { network_id: string } | undefined
    return row == null ? undefined : this.getNetwork(row.network_id)
  }

  activeNetworkId(): string | undefined {
    const row = this.db.prepare(`SELECT value FROM node_state WHERE key = 'active_network'`).get() as
      { value: string } | undefined
    return row?.value
  }

  setActiveNetwork(networkId: string): void {
    this.db
      .prepare(
        `INSERT INTO node_state (key, value) VALUES ('active_network', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(networkId)
  }

  /**
   * Saves a joined network, this node's credential on it (if given) and makes it active in one
   * transaction: all happen or none.
   */
  joinNetwork(genesis: GenesisDocument, credential?: Credential): StoredNetwork {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const stored = this.saveNetwork(genesis, false)
      if (credential != null) this.saveCredential(stored.networkId, credential)
      this.setActiveNetwork(stored.networkId)
      this.db.exec('COMMIT')
      return stored
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }

  /** This node's credential on `networkId`, as last kept (it may have expired since); null if none. */
  credential(networkId: string): Credential | null {
    const row = this.db
      .prepare('SELECT credential FROM membership_credentials WHERE network_id = ?')
      .get(networkId) as { credential: string } | undefined
    if (row == null) return null
    const parsed = Credential.safeParse(JSON.parse(row.credential))
    return parsed.success ? parsed.data : null
  }

  saveCredential(networkId: string, credential: Credential, now = Date.now()): void {
    const endsAt = credentialEndsAt(credential)
    this.db
      .prepare(
        `INSERT INTO membership_credentials (network_id, credential, ends_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(network_id) DO UPDATE SET credential = excluded.credential, ends_at = excluded.ends_at,
           updated_at = excluded.updated_at`,
      )
      .run(networkId, JSON.stringify(credential), Number.isFinite(endsAt) ? endsAt : 0, now)
  }

  rememberPeer(networkId: string, peerId: string, addrs: string[], seenAt = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO known_peers (network_id, peer_id, addrs, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT(network_id, peer_id) DO UPDATE SET addrs = excluded.addrs, last_seen = excluded.last_seen`,
      )
      .run(networkId, peerId, JSON.stringify(addrs), seenAt)
    this.db
      .prepare(
        `DELETE FROM known_peers WHERE network_id = ? AND peer_id NOT IN
           (SELECT peer_id FROM known_peers WHERE network_id = ? ORDER BY last_seen DESC LIMIT ?)`,
      )
      .run(networkId, networkId, MAX_KNOWN_PEERS)
  }

  knownPeers(networkId: string): KnownPeer[] {
    const rows = this.db
      .prepare(
        'SELECT peer_id, addrs, last_seen FROM known_peers WHERE network_id = ? ORDER BY last_seen DESC',
      )
      .all(networkId) as Array<{ peer_id: string; addrs: string; last_seen: number }>
    return rows.map((r) => ({
      peerId: r.peer_id,
      addrs: JSON.parse(r.addrs) as string[],
      lastSeen: r.last_seen,
    }))
  }
}
