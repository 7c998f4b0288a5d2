/**
 * The leases this node issued for its own assets, in SQLite: issuing signs and records one; activating
 * checks one presented by a peer (lease.ts), then refuses it if this node never issued it, revoked it, or
 * has it in use already (a replay), if it would take the asset past its capacity, or if the asset already
 * runs as many leases at once as its owner allows. Refusals change nothing stored. Leases active when the
 * node stopped count as released: their connections are gone.
 *
 * A released lease may be presented again until it ends: a lease grants its amount for its whole window,
 * and a holder comes back (a dropped connection, a file's owner checking its shards). What it may hold is
 * counted per lease across all its streams where something outlives a stream (stored shards: see
 * storage/leased-shards.ts), and while a stream holds it otherwise.
 */
import { randomBytes } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import {
  LeaseError,
  RECORDS_VERSION,
  signLease,
  verifyLease,
  type LeaseTerms,
  type SignedLease,
} from '../../consensus'

export interface LeaseOwner {
  peerId: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  networkId: string
}

export interface LeaseRequest {
  assetId: string
  holder: string
  amount: bigint
  durationMs: number
  /** The lease this one renews (storage): the new lease takes over its shards when first presented. */
  renews?: string
  /** The lease's id where it is given (a fill's lease is the fill's id); absent, a random one. */
  leaseId?: string
}

type Status = 'issued' | 'active' | 'released' | 'revoked'

/** What an asset allows at once, against which a lease is activated. */
export interface ActivationLimits {
  /** What the asset offers now, in the lease's unit; leases in use together may not exceed it. */
  capacity: bigint
  /** Leases that may run at once; absent: no limit. */
  maxLeases?: number
  /** Leases that run without a stream (they hold stored shards); they count as running. */
  holding?: readonly string[]
}

export class LeaseBook {
  constructor(
    private readonly db: DatabaseSync,
    private readonly owner: LeaseOwner,
    private readonly now: () => number = Date.now,
  ) {
    db.prepare("UPDATE leases SET status = 'released' WHERE status = 'active'").run()
  }

  issue(request: LeaseRequest): SignedLease {
    const startsAt = this.now()
    const lease = signLease(
      {
        v: RECORDS_VERSION,
        networkId: this.owner.networkId,
        leaseId: request.leaseId ?? randomBytes(32).toString('hex'),
        assetId: request.assetId,
        owner: this.owner.peerId,
        holder: request.holder,
        amount: request.amount.toString(),
        startsAt,
        endsAt: startsAt + request.durationMs,
      },
      this.owner.falcon.secretKey,
    )
    const { terms } = lease
    this.db
      .prepare(
        `INSERT INTO leases (lease_id, asset_id, holder, amount, ends_at, status, lease, issued_at, renews)
         VALUES (?, ?, ?, ?, ?, 'issued', ?, ?, ?)`,
      )
      .run(
        terms.leaseId,
        terms.assetId,
        terms.holder,
        terms.amount,
        terms.endsAt,
        JSON.stringify(lease),
        startsAt,
        request.renews ?? null,
      )
    return lease
  }

  /** The lease of id `leaseId` this node issued, as signed; null when it issued none. */
  issued(leaseId: string): SignedLease | null {
    const row = this.db.prepare('SELECT lease FROM leases WHERE lease_id = ?').get(leaseId) as
      { lease: string } | undefined
    return row == null ? null : (JSON.parse(row.lease) as SignedLease)
  }

  /**
   * Why `holder` may not renew lease `leaseId` of `assetId`; null when it may: the lease is this node's,
   * issued to that holder for that asset, and has neither ended nor been revoked.
   */
  renewalRefusal(leaseId: string, holder: string, assetId: string): string | null {
    const row = this.db
      .prepare('SELECT holder, asset_id, status, ends_at FROM leases WHERE lease_id = ?')
      .get(leaseId) as { holder: string; asset_id: string; status: Status; ends_at: number } | undefined
    if (row == null || row.holder !== holder || row.asset_id !== assetId)
      return 'this node issued you no such lease on this asset'
    if (row.status === 'revoked' || row.ends_at <= this.now())
      return 'the lease has ended (or was renewed already); its shards are gone'
    return null
  }

  /** The lease that `leaseId` renews, while that one still runs (neither ended nor revoked); else null. */
  renewalOf(leaseId: string): string | null {
    const row = this.db
      .prepare(
        `SELECT old.lease_id FROM leases new JOIN leases old ON old.lease_id = new.renews
         WHERE new.lease_id = ? AND old.status != 'revoked' AND old.ends_at > ?`,
      )
      .get(leaseId, this.now()) as { lease_id: string } | undefined
    return row?.lease_id ?? null
  }

  /** Checks a lease `presentedBy` a peer for `assetId` against the asset's `limits`, and marks it in use. */
  activate(lease: SignedLease, presentedBy: string, assetId: string, limits: ActivationLimits): LeaseTerms {
    const { capacity } = limits
    const terms = verifyLease(lease, {
      owner: this.owner.peerId,
      ownerPublicKey: this.owner.falcon.publicKey,
      networkId: this.owner.networkId,
      assetId,
      presentedBy,
      now: this.now(),
    })
    const status = this.statusOf(terms.leaseId)
    if (status == null) throw new LeaseError('revoked', 'this node has no record of issuing this lease')
    if (status === 'revoked') throw new LeaseError('revoked', 'this lease was revoked by its owner')
    if (status === 'active') throw new LeaseError('replayed', 'this lease is already in use')
    const inUse = this.amountInUse(assetId)
    if (inUse + BigInt(terms.amount) > capacity)
      throw new LeaseError(
        'over-capacity',
        `the asset offers ${capacity}; ${inUse} is leased now, so ${terms.amount} more does not fit`,
      )
    const running = this.running(assetId, limits.holding)
    // A renewal replaces a lease that runs: it takes that one's place.
    const renewed = this.renewalOf(terms.leaseId)
    if (renewed != null && running.has(renewed)) running.add(terms.leaseId)
    if (limits.maxLeases != null && !running.has(terms.leaseId) && running.size >= limits.maxLeases)
      throw new LeaseError(
        'over-capacity',
        `the asset runs ${running.size} leases at once, as many as its owner allows; try again when one ends`,
      )
    this.setStatus(terms.leaseId, 'active')
    return terms
  }

  /** The holder is done (or its connection closed): the lease may be presented again until it expires. */
  release(leaseId: string): void {
    this.db
      .prepare("UPDATE leases SET status = 'released' WHERE lease_id = ? AND status = 'active'")
      .run(leaseId)
  }

  revoke(leaseId: string): void {
    this.setStatus(leaseId, 'revoked')
  }

  /** The signed lease this node issued with `leaseId`, as it was issued; null if none (or its row is damaged). */
  signedLease(leaseId: string): SignedLease | null {
    const row = this.db.prepare('SELECT lease FROM leases WHERE lease_id = ?').get(leaseId) as
      { lease: string } | undefined
    if (row == null) return null
    try {
      return JSON.parse(row.lease) as SignedLease
    } catch {
      return null
    }
  }

  statusOf(leaseId: string): Status | null {
    const row = this.db.prepare('SELECT status FROM leases WHERE lease_id = ?').get(leaseId) as
      { status: Status } | undefined
    return row?.status ?? null
  }

  /**
   * Leases of `assetId` that run now: in use by a stream, or holding something between streams (`holding`,
   * ids of any asset; those of others, ended or revoked leases are left out). Not expired.
   */
  running(assetId: string, holding: readonly string[] = []): Set<string> {
    const now = this.now()
    const ids = this.db
      .prepare("SELECT lease_id FROM leases WHERE asset_id = ? AND status = 'active' AND ends_at > ?")
      .all(assetId, now) as { lease_id: string }[]
    const running = new Set(ids.map((r) => r.lease_id))
    const held = this.db.prepare(
      "SELECT 1 FROM leases WHERE lease_id = ? AND asset_id = ? AND status != 'revoked' AND ends_at > ?",
    )
    for (const id of holding) if (held.get(id, assetId, now) != null) running.add(id)
    return running
  }

  /** Leases of `assetId` in use now, and not expired. */
  active(assetId: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM leases WHERE asset_id = ? AND status = 'active' AND ends_at > ?")
        .get(assetId, this.now()) as { n: number }
    ).n
  }

  private amountInUse(assetId: string): bigint {
    const rows = this.db
      .prepare("SELECT amount FROM leases WHERE asset_id = ? AND status = 'active' AND ends_at > ?")
      .all(assetId, this.now()) as { amount: string }[]
    return rows.reduce((sum, r) => sum + BigInt(r.amount), 0n)
  }

  private setStatus(leaseId: string, status: Status): void {
    this.db.prepare('UPDATE leases SET status = ? WHERE lease_id = ?').run(status, leaseId)
  }
}
