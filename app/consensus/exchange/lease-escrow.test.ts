import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { toBase64 } from '../codec'
import { PEERS } from '../jobs/test-fixture'
import { RECORDS_VERSION } from '../records/conventions'
import { signLease, type LeaseTerms, type SignedLease } from '../records/lease'
import { signUsageReceipt, type SignedUsageReceipt } from '../records/usage-receipt'
import { txId } from '../tx'
import { RELEASE_WINDOW_MS } from './lease-escrow'
import { MARKETS } from './markets'
import { fillIdOf } from './order-book'
import { CHAIN, FEE, keysOf, registerAsset, signedTx, TestLedger, type Keys } from './test-fixture'

const HOUR = 3600_000
const SELLER_PEER = PEERS[0]!
const HOLDER = PEERS[3]!

describe('fill escrows: release on proven use, refund after delivery', () => {
  let buyer: Keys
  let seller: Keys
  let holderKeys: Keys
  let stranger: Keys
  let wallet: Keys
  let ledger: TestLedger
  let asset: string
  let fillId: string
  let t0: number

  beforeAll(() => {
    ;[buyer, seller, holderKeys, stranger, wallet] = [keysOf(), keysOf(), keysOf(), keysOf(), keysOf()]
  })

  /** The seller rests 2 core-hours at 1,000,000 a core-hour; the buyer takes them. */
  beforeEach(() => {
    ledger = new TestLedger([buyer, seller, stranger])
    t0 = ledger.state.timeMs
    asset = registerAsset(ledger.state, seller, 'cpu', SELLER_PEER)
    ledger.state.peerBindings.set(HOLDER, {
      peerId: HOLDER,
      falconKey: toBase64(holderKeys.publicKey),
      address: holderKeys.address,
      boundAt: 1,
    })
    const ask = signedTx(ledger.state, seller, {
      kind: 'order-sell',
      market: 'cpu',
      price: '100000',
      quantity: '2',
      assetId: asset,
    })
    expect(ledger.applySigned(ask)).toBeNull()
    const bid = signedTx(ledger.state, buyer, {
      kind: 'order-buy',
      market: 'cpu',
      price: '100000',
      quantity: '2',
      holder: HOLDER,
    })
    expect(ledger.applySigned(bid)).toBeNull()
    fillId = fillIdOf(txId(bid), txId(ask))
    expect(ledger.state.leaseEscrows.get(fillId)?.amount).toBe(200_000n)
  })

  function lease(over: Partial<LeaseTerms> = {}, signer: Keys = seller): SignedLease {
    return signLease(
      {
        v: RECORDS_VERSION,
        networkId: CHAIN,
        leaseId: fillId,
        assetId: asset,
        owner: SELLER_PEER,
        holder: HOLDER,
        amount: '1000',
        startsAt: t0,
        endsAt: t0 + 2 * HOUR,
        ...over,
      },
      signer.secretKey,
    )
  }
  /** The holder's receipt for holding one core from `from` to `to` hours after the fill. */
  function receipt(l: SignedLease, from: number, to: number, signer: Keys = holderKeys): SignedUsageReceipt {
    return signUsageReceipt(l.terms, { startsAt: t0 + from * HOUR, endsAt: t0 + to * HOUR }, signer)!
  }
  const release = (l: SignedLease, r: SignedUsageReceipt, from = seller, escrowId = fillId) =>
    ledger.apply(from, { kind: 'lease-release', escrowId, lease: l, receipt: r })
  const refund = (from = buyer) => ledger.apply(from, { kind: 'lease-refund', escrowId: fillId })

  it('pays the seller price × proven use, hour by hour, until the escrow is spent', () => {
    const l = lease()
    ledger.at(t0 + 3 * HOUR)
    const before = ledger.balance(seller)
    expect(release(l, receipt(l, 0, 1))).toBeNull()
    expect(ledger.balance(seller)).toBe(before - FEE + 100_000n)
    expect(ledger.state.leaseEscrows.get(fillId)).toMatchObject({ amount: 100_000n, status: 'open' })
    expect(release(l, receipt(l, 1, 2))).toBeNull()
    expect(ledger.state.leaseEscrows.get(fillId)).toMatchObject({ amount: 0n, status: 'released' })
    expect(ledger.balance(seller)).toBe(before - 2n * FEE + 200_000n)
  })

  it('rounds on the running total, so many short receipts pay what one long one would', () => {
    const l = lease()
    ledger.at(t0 + 3 * HOUR)
    const third = HOUR / 3
    const slices = [0, 1, 2].map((i) =>
      signUsageReceipt(l.terms, { startsAt: t0 + i * third, endsAt: t0 + (i + 1) * third }, holderKeys)!,
    )
    for (const r of slices) expect(release(l, r)).toBeNull()
    expect(ledger.state.leaseEscrows.get(fillId)?.amount).toBe(100_000n)
    expect(ledger.state.leaseEscrows.get(fillId)?.usedUnitSeconds).toBe(MARKETS.cpu.unitSecondsPer)
  })

  it('pays the seller’s payout account when it named one', () => {
    expect(ledger.apply(seller, { kind: 'payout-set', to: wallet.address })).toBeNull()
    const l = lease()
    ledger.at(t0 + 3 * HOUR)
    expect(release(l, receipt(l, 0, 1))).toBeNull()
    expect(ledger.balance(wallet)).toBe(100_000n)
  })

  describe('refuses to release, changing nothing', () => {
    beforeEach(() => ledger.at(t0 + 3 * HOUR))

    it('an unknown escrow, or a sender that is not the seller', () => {
      const l = lease()
      expect(release(l, receipt(l, 0, 1), seller, 'e'.repeat(64))).toBe('unknown-escrow')
      expect(release(l, receipt(l, 0, 1), buyer)).toBe('not-authorized')
      expect(release(l, receipt(l, 0, 1), stranger)).toBe('not-authorized')
    })

    it('a lease not issued against this fill, or for another asset or holder', () => {
      const other = lease({ leaseId: 'd'.repeat(64) })
      expect(release(other, receipt(other, 0, 1))).toBe('invalid-receipt')
      const otherAsset = lease({ assetId: 'd'.repeat(64) })
      expect(release(otherAsset, receipt(otherAsset, 0, 1))).toBe('invalid-receipt')
      const otherHolder = lease({ holder: PEERS[2]! })
      expect(release(otherHolder, receipt(otherHolder, 0, 1))).toBe('invalid-receipt')
    })

    it('a lease that starts before the fill or ends after delivery', () => {
      const early = lease({ startsAt: t0 - HOUR })
      expect(release(early, receipt(early, 0, 1))).toBe('invalid-receipt')
      const late = lease({
        endsAt: t0 + MARKETS.cpu.deliveryMs + HOUR,
        startsAt: t0 + MARKETS.cpu.deliveryMs - HOUR,
      })
      expect(release(late, receipt(late, 0, 1))).toBe('invalid-receipt')
    })

    it('a lease signed by another key than the seller’s (forged)', () => {
      const forged = lease({}, stranger)
      expect(release(forged, receipt(forged, 0, 1))).toBe('bad-signature')
    })

    it('a receipt signed with a key not bound to the holder, or altered after signing', () => {
      const l = lease()
      expect(release(l, receipt(l, 0, 1, stranger))).toBe('invalid-receipt')
      const r = receipt(l, 0, 1)
      const altered = { ...r, receipt: { ...r.receipt, endsAt: r.receipt.endsAt + 1000 } }
      expect(release(l, altered)).toBe('invalid-receipt')
      const inflated = { ...r, receipt: { ...r.receipt, unitSeconds: String(3600 * 1000 * 2) } }
      expect(release(l, inflated)).toBe('invalid-receipt')
      expect(release(l, r)).toBeNull()
    })

    it('a receipt for time already released (replayed), or ending after this block', () => {
      const l = lease()
      const r = receipt(l, 0, 1)
      expect(release(l, r)).toBeNull()
      expect(release(l, r)).toBe('duplicate')
      expect(release(l, receipt(l, 0.5, 1.5))).toBe('duplicate')
      const future = lease({ endsAt: t0 + 10 * HOUR })
      expect(release(future, receipt(future, 4, 5))).toBe('invalid-receipt')
    })

    it('anything once the release window has closed', () => {
      const l = lease()
      ledger.at(t0 + MARKETS.cpu.deliveryMs + RELEASE_WINDOW_MS)
      expect(release(l, receipt(l, 0, 1))).toBe('stale')
    })
  })

  it('refunds only the buyer, only after delivery and the release window, and only once', () => {
    expect(refund()).toBe('too-early')
    ledger.at(t0 + MARKETS.cpu.deliveryMs + RELEASE_WINDOW_MS - 1)
    expect(refund()).toBe('too-early')
    ledger.at(t0 + MARKETS.cpu.deliveryMs + RELEASE_WINDOW_MS)
    expect(refund(seller)).toBe('not-authorized')
    expect(refund(stranger)).toBe('not-authorized')
    const before = ledger.balance(buyer)
    expect(refund()).toBeNull()
    expect(ledger.balance(buyer)).toBe(before - FEE + 200_000n)
    expect(refund()).toBe('escrow-closed')
    const l = lease()
    expect(release(l, receipt(l, 0, 1))).toBe('escrow-closed')
  })

  it('refunds what was not released, and forgets the closed escrow after its window', () => {
    const l = lease()
    ledger.at(t0 + 3 * HOUR)
    expect(release(l, receipt(l, 0, 1))).toBeNull()
    ledger.at(t0 + MARKETS.cpu.deliveryMs + RELEASE_WINDOW_MS)
    const before = ledger.balance(buyer)
    expect(refund()).toBeNull()
    expect(ledger.balance(buyer)).toBe(before - FEE + 100_000n)
    ledger.at(t0 + MARKETS.cpu.deliveryMs + RELEASE_WINDOW_MS + 1)
    expect(ledger.state.leaseEscrows.has(fillId)).toBe(false)
  })
})
