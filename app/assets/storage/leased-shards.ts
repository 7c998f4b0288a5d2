/**
 * Shards stored on this node, each under the lease it was stored with (SQLite, `leased_shards`): what a
 * lease holds is counted across all the streams it was ever presented on, never past its amount; a lease
 * that ends, or is revoked, has its shards deleted; and a lease renewed before its end hands its shards
 * to the new lease, so a file stays for as long as its owner keeps renewing.
 *
 * A shard is named by its holder (the lease's holder) and file id (storage-proxy.ts `shardKeyOf`), so a
 * holder's shards are its own whichever of its leases they are stored under.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import { MAX_LEASE_MS, type LeaseTerms } from '../../consensus'
import { StorageRefusal, type ShardStore } from './shard-store'

/** How often shards of ended leases are looked for and deleted. */
export const SWEEP_EVERY_MS = 60_000

interface ShardRow {
  lease_id: string
  bytes: number
}

export class LeasedShards {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: DatabaseSync,
    readonly store: ShardStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores shard `index` of `key` under `lease`; refused (StorageRefusal, nothing written) when the lease
   * has ended or was revoked, when the lease's shards would pass its amount, or by the store's quota and
   * kept-free space. Replacing a shard counts only the difference.
   */
  put(lease: LeaseTerms, key: string, index: number, data: Uint8Array): void {
    this.inTransaction(() => {
      this.refuseEnded(lease.leaseId)
      const existing = this.rowOf(key, index)
      const stored =
        this.storedBy(lease.leaseId) - BigInt(existing?.lease_id === lease.leaseId ? existing.bytes : 0)
      if (stored + BigInt(data.length) > BigInt(lease.amount))
        throw new StorageRefusal(
          'over-lease',
          `the lease allows ${lease.amount} bytes; ${stored} are stored under it already`,
        )
      this.db
        .prepare(
          'INSERT OR REPLACE INTO leased_shards (shard_key, shard_index, lease_id, bytes, stored_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(key, index, lease.leaseId, data.length, this.now())
      // Last: if the store refuses, the row goes with the rolled-back transaction.
      this.store.put(key, index, data)
    })
  }

  /** Whether `length` more bytes fit in what `lease` may still store (a cheap check before any data is read). */
  fits(lease: LeaseTerms, length: number): boolean {
    return this.storedBy(lease.leaseId) + BigInt(length) <= BigInt(lease.amount)
  }

  /** A shard, while the lease it is stored under runs (one stored before leases were counted, too). */
  get(key: string, index: number): Uint8Array | null {
    const row = this.rowOf(key, index)
    if (row != null && !this.runs(row.lease_id)) return null
    return this.store.get(key, index)
  }

  delete(key: string, index: number): void {
    this.inTransaction(() => {
      this.db.prepare('DELETE FROM leased_shards WHERE shard_key = ? AND shard_index = ?').run(key, index)
      this.store.delete(key, index)
    })
  }

  /** Bytes stored under a lease. */
  storedBy(leaseId: string): bigint {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM leased_shards WHERE lease_id = ?')
      .get(leaseId) as { n: number }
    return BigInt(row.n)
  }

  /** Leases of `assetId` that hold shards and run (not ended, not revoked). */
  holding(assetId: string): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT s.lease_id FROM leased_shards s JOIN leases l ON l.lease_id = s.lease_id
         WHERE l.asset_id = ? AND l.status != 'revoked' AND l.ends_at > ?`,
      )
      .all(assetId, this.now()) as { lease_id: string }[]
    return rows.map((r) => r.lease_id)
  }

  /**
   * Moves every shard stored under lease `from` to lease `to` (a renewal): refused when `from` has ended
   * or was revoked, is another holder's, or holds more than `to` allows. Returns the bytes moved.
   */
  renew(from: string, to: LeaseTerms): bigint {
    return this.inTransaction(() => {
      this.refuseEnded(from)
      const holder = this.db.prepare('SELECT holder FROM leases WHERE lease_id = ?').get(from) as
        { holder: string } | undefined
      if (holder?.holder !== to.holder)
        throw new StorageRefusal('expired', 'the lease to renew was issued to another peer')
      const bytes = this.storedBy(from) + this.storedBy(to.leaseId)
      if (bytes > BigInt(to.amount))
        throw new StorageRefusal(
          'over-lease',
          `the lease to renew holds ${bytes} bytes; the new lease allows ${to.amount}`,
        )
      this.db.prepare('UPDATE leased_shards SET lease_id = ? WHERE lease_id = ?').run(to.leaseId, from)
      return bytes
    })
  }

  /**
   * Deletes the shards of leases that ended or were revoked (or that this node has no record of), and
   * shards stored before leases were counted once no lease could still cover them.
   */
  sweep(): { shards: number; bytes: number } {
    const now = this.now()
    const ended = this.db
      .prepare(
        `SELECT s.shard_key AS key, s.shard_index AS idx, s.bytes FROM leased_shards s
         LEFT JOIN leases l ON l.lease_id = s.lease_id
         WHERE l.lease_id IS NULL OR l.status = 'revoked' OR l.ends_at <= ?`,
      )
      .all(now) as { key: string; idx: number; bytes: number }[]
    let bytes = 0
    for (const shard of ended) {
      this.delete(shard.key, shard.idx)
      bytes += shard.bytes
    }
    const known = this.db.prepare('SELECT 1 FROM leased_shards WHERE shard_key = ? AND shard_index = ?')
    let unleased = 0
    for (const shard of this.store.list())
      if (shard.writtenAt <= now - MAX_LEASE_MS && known.get(shard.fileId, shard.index) == null) {
        this.store.delete(shard.fileId, shard.index)
        unleased++
      }
    const shards = ended.length + unleased
    if (shards > 0) this.log.info({ shards, bytes }, 'deleted the shards of leases that ended')
    return { shards, bytes }
  }

  /** Sweeps now, then every `everyMs`. */
  start(everyMs = SWEEP_EVERY_MS): void {
    this.sweepLogged()
    this.timer = setInterval(() => this.sweepLogged(), everyMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer != null) clearInterval(this.timer)
    this.timer = null
  }

  private sweepLogged(): void {
    try {
      this.sweep()
    } catch (err) {
      this.log.warn({ err }, 'could not delete the shards of ended leases; trying again later')
    }
  }

  private runs(leaseId: string): boolean {
    const row = this.db
      .prepare("SELECT 1 FROM leases WHERE lease_id = ? AND status != 'revoked' AND ends_at > ?")
      .get(leaseId, this.now())
    return row != null
  }

  private refuseEnded(leaseId: string): void {
    if (!this.runs(leaseId))
      throw new StorageRefusal('expired', 'the lease has ended or was revoked; its shards are deleted')
  }

  private rowOf(key: string, index: number): ShardRow | undefined {
    return this.db
      .prepare('SELECT lease_id, bytes FROM leased_shards WHERE shard_key = ? AND shard_index = ?')
      .get(key, index) as ShardRow | undefined
  }

  /** Runs `fn` in a savepoint (nested or not), rolled back if it throws. */
  private inTransaction<T>(fn: () => T): T {
    this.db.exec('SAVEPOINT leased_shards')
    try {
      const result = fn()
      this.db.exec('RELEASE leased_shards')
      return result
    } catch (err) {
      this.db.exec('ROLLBACK TO leased_shards')
      this.db.exec('RELEASE leased_shards')
      throw err
    }
  }
}
