/**
 * The leases this node issued for its own assets, in SQLite: issuing signs and records one; activating
 * checks one presented by a peer (lease.ts), then refuses it if this node never issued it, revoked it, or
 * has it in use already (a replay), or if it would take the asset past its capacity. Refusals change
 * nothing stored. Leases active when the node stopped count as released: their connections are gone.
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
}

type Status = 'issued' | 'active' | 'released' | 'revoked'

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
        leaseId: randomBytes(32).toString('hex'),
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
        `INSERT INTO leases (lease_id, asset_id, holder, amount, ends_at, status, lease, issued_at)
         VALUES (?, ?, ?, ?, ?, 'issued', ?, ?)`,
      )
      .run(
        terms.leaseId,
        terms.assetId,
        terms.holder,
        terms.amount,
        terms.endsAt,
        JSON.stringify(lease),
        startsAt,
      )
    return lease
  }

  /**
   * Checks a lease `presentedBy` a peer for `assetId` and marks it in use. `capacity` is what the asset
   * offers in the lease's unit; leases in use together may not exceed it.
   */
  activate(lease: SignedLease, presentedBy: string, assetId: string, capacity: bigint): LeaseTerms {
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
