import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DatabaseSync } from 'node:sqlite'
import { databasePath, openDatabase } from '../../node/storage/database'
import {
  decodeLease,
  encodeLease,
  LeaseError,
  MAX_LEASE_BYTES,
  signLease,
  type SignedLease,
} from '../../consensus'
import { LeaseBook } from './lease-book'

const owner = falcon1024.keygen(new Uint8Array(48).fill(21))
const stranger = falcon1024.keygen(new Uint8Array(48).fill(22))
const OWNER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const HOLDER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'
const OTHER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTP'
const NETWORK = 'a'.repeat(64)
const ASSET = 'b'.repeat(64)
const MiB = 1024n * 1024n

let now = 1_800_000_000_000
let db: DatabaseSync
let book: LeaseBook

beforeEach(() => {
  db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-lease-'))))
  book = new LeaseBook(db, { peerId: OWNER, falcon: owner, networkId: NETWORK }, () => now)
})
afterEach(() => db.close())

const issue = (amount = 64n * MiB, holder = HOLDER): SignedLease =>
  book.issue({ assetId: ASSET, holder, amount, durationMs: 3_600_000 })
const codeOf = (fn: () => unknown): string | null => {
  try {
    fn()
    return null
  } catch (err) {
    if (err instanceof LeaseError) return err.code
    throw err
  }
}
const activate = (lease: SignedLease, by = HOLDER, asset = ASSET, capacity = 256n * MiB) =>
  codeOf(() => book.activate(lease, by, asset, { capacity }))

describe('leases: a FALCON-1024 capability bound to holder, asset, amount and expiry', () => {
  it('a lease this node issued, presented by its holder in time, is accepted and marked in use', () => {
    const lease = issue()
    expect(activate(lease)).toBeNull()
    expect(book.statusOf(lease.terms.leaseId)).toBe('active')
    expect(book.active(ASSET)).toBe(1)
  })

  it('refuses a forged lease: terms altered after signing, or signed with another key', () => {
    const lease = issue()
    expect(activate({ ...lease, terms: { ...lease.terms, amount: '999999999999' } })).toBe('bad-signature')
    const byStranger = signLease(lease.terms, stranger.secretKey)
    expect(activate(byStranger)).toBe('bad-signature')
    expect(activate({ ...lease, signature: lease.signature.slice(0, 100) })).toBe('bad-signature')
    expect(book.statusOf(lease.terms.leaseId)).toBe('issued')
  })

  it('refuses someone else’s lease, and one for another asset, network or owner', () => {
    const lease = issue()
    expect(activate(lease, OTHER)).toBe('wrong-holder')
    expect(activate(lease, HOLDER, 'c'.repeat(64))).toBe('wrong-asset')
    const otherNetwork = signLease({ ...lease.terms, networkId: 'd'.repeat(64) }, owner.secretKey)
    expect(activate(otherNetwork)).toBe('wrong-network')
    const otherOwner = signLease({ ...lease.terms, owner: OTHER }, owner.secretKey)
    expect(activate(otherOwner)).toBe('wrong-owner')
  })

  it('refuses an expired lease and one not yet valid', () => {
    const lease = issue()
    now += 3_600_000
    expect(activate(lease)).toBe('expired')
    const later = signLease(
      { ...lease.terms, startsAt: now + 60_000, endsAt: now + 120_000 },
      owner.secretKey,
    )
    expect(activate(later)).toBe('not-yet-valid')
  })

  it('refuses a replayed lease (in use already), a revoked one, and one this node never issued', () => {
    const lease = issue()
    expect(activate(lease)).toBeNull()
    expect(activate(lease)).toBe('replayed')
    book.release(lease.terms.leaseId)
    expect(activate(lease)).toBeNull()
    const revoked = issue()
    book.revoke(revoked.terms.leaseId)
    expect(activate(revoked)).toBe('revoked')
    const unknown = signLease({ ...lease.terms, leaseId: 'e'.repeat(64) }, owner.secretKey)
    expect(activate(unknown)).toBe('revoked')
  })

  it('refuses a lease that would take the asset past its capacity, and counts only leases in use', () => {
    const [a, b] = [issue(200n * MiB), issue(100n * MiB)]
    expect(activate(a)).toBeNull()
    expect(activate(b)).toBe('over-capacity')
    book.release(a.terms.leaseId)
    expect(activate(b)).toBeNull()
  })

  it('refuses a lease beyond the leases the asset may run at once (maxLeases), counting those holding shards', () => {
    const limits = (holding: string[] = []) => ({ capacity: 256n * MiB, maxLeases: 2, holding })
    const [a, b, c] = [issue(MiB), issue(MiB), issue(MiB)]
    const run = (lease: SignedLease, holding?: string[]) =>
      codeOf(() => book.activate(lease, HOLDER, ASSET, limits(holding)))
    expect(run(a)).toBeNull()
    expect(run(b)).toBeNull()
    expect(run(c)).toBe('over-capacity')
    expect(book.statusOf(c.terms.leaseId)).toBe('issued')
    // A released lease that still holds shards runs on: it is counted, and may be presented again.
    book.release(a.terms.leaseId)
    expect(run(c, [a.terms.leaseId])).toBe('over-capacity')
    expect(run(a, [a.terms.leaseId])).toBeNull()
    book.release(a.terms.leaseId)
    // Holding nothing, or revoked, or ended, it no longer runs.
    expect(run(c)).toBeNull()
    book.release(c.terms.leaseId)
    book.revoke(a.terms.leaseId)
    expect(run(c, [a.terms.leaseId])).toBeNull()
  })

  it('decodes leases from bytes, refusing truncated, garbage and oversized input before checking them', () => {
    const lease = issue()
    const bytes = encodeLease(lease)
    expect(decodeLease(bytes)).toEqual(lease)
    expect(codeOf(() => decodeLease(bytes.subarray(0, bytes.length - 10)))).toBe('malformed')
    expect(codeOf(() => decodeLease(new Uint8Array([0xff, 0xfe, 0x00])))).toBe('malformed')
    expect(codeOf(() => decodeLease(new TextEncoder().encode('{"terms":{},"signature":"x"}')))).toBe(
      'malformed',
    )
    expect(codeOf(() => decodeLease(new Uint8Array(MAX_LEASE_BYTES + 1)))).toBe('oversized')
  })

  it('keeps its records across a restart; leases in use then count as released', () => {
    const lease = issue()
    expect(activate(lease)).toBeNull()
    const again = new LeaseBook(db, { peerId: OWNER, falcon: owner, networkId: NETWORK }, () => now)
    expect(again.statusOf(lease.terms.leaseId)).toBe('released')
    expect(codeOf(() => again.activate(lease, HOLDER, ASSET, { capacity: 256n * MiB }))).toBeNull()
  })
})
