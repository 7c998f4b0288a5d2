import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { rejectionCode } from '../../../test/support/ledger-fixture'
import { canonicalBytes, toBase64 } from '../codec'
import type { RejectionCode } from '../errors'
import { applyTx, beginBlock, type ExecutionContext } from '../execute'
import { DEFAULT_PARAMS, type ChainParams } from '../params'
import { RECORDS_VERSION } from '../records/conventions'
import { signLease, type LeaseTerms, type SignedLease } from '../records/lease'
import { signPeerBinding, type SignedPeerBinding } from '../records/peer-binding'
import { signUsageReceipt, type SignedUsageReceipt } from '../records/usage-receipt'
import { falcon1024Scheme } from '../signature-scheme'
import { EMPTY_ACCOUNT, LedgerState } from '../state'
import { addressOf, decodeTx, signTx, type SignedTx } from '../tx'
import { DEFAULT_REWARD_SCHEDULE, epochOf } from './schedule'
import { CLAIM_WINDOW_MS } from './usage-claims'

const CHAIN = 'c'.repeat(64)
const ASSET = 'f'.repeat(64)
const GIB = 2 ** 30
const HOUR = 3600_000
const T0 = Date.UTC(2026, 10, 30)
const OWNER_PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'
const SCHEDULE = { ...DEFAULT_REWARD_SCHEDULE, epochBlocks: 10 }
const PARAMS: ChainParams = { ...DEFAULT_PARAMS, rewards: SCHEDULE }

type Keys = { publicKey: Uint8Array; secretKey: Uint8Array; address: string }
const account = (): Keys => {
  const keys = falcon1024Scheme.keygen()
  return { ...keys, address: addressOf(falcon1024Scheme, keys.publicKey) }
}
const falconSigner = (keys: Keys) => ({
  publicKey: keys.publicKey,
  sign: (message: Uint8Array) => falcon1024Scheme.sign(message, keys.secretKey),
})
/** A peer id of a real Ed25519 key, and that peer's binding to `keys` (signed by both). */
async function boundPeer(keys: Keys): Promise<{ peerId: string; binding: SignedPeerBinding }> {
  const identity = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(identity).toString()
  return { peerId, binding: await signPeerBinding(peerId, identity, falconSigner(keys)) }
}

describe('usage claims: the ledger pays receipted use of registered assets, once', () => {
  let owner: Keys
  let holder: Keys
  let stranger: Keys
  let state: LedgerState
  let ctx: ExecutionContext
  let HOLDER_PEER: string
  let holderBinding: SignedPeerBinding

  beforeAll(async () => {
    owner = account()
    holder = account()
    stranger = account()
    ;({ peerId: HOLDER_PEER, binding: holderBinding } = await boundPeer(holder))
  })

  beforeEach(() => {
    state = new LedgerState(3)
    state.timeMs = T0 + 2 * HOUR
    state.accounts.set(owner.address, { ...EMPTY_ACCOUNT, balance: 1_000_000n })
    state.accounts.set(stranger.address, { ...EMPTY_ACCOUNT, balance: 1_000_000n })
    state.assets.set(ASSET, {
      assetId: ASSET,
      owner: owner.address,
      resource: 'memory',
      capacity: BigInt(4 * GIB),
      privacy: 'FullPublic',
      peerId: OWNER_PEER,
      registeredAt: 1,
    })
    ctx = { chainId: CHAIN, params: PARAMS, scheme: falcon1024Scheme, isRecentAnchor: () => false }
  })

  const terms = (over: Partial<LeaseTerms> = {}): LeaseTerms => ({
    v: RECORDS_VERSION,
    networkId: CHAIN,
    leaseId: '1'.repeat(64),
    assetId: ASSET,
    owner: OWNER_PEER,
    holder: HOLDER_PEER,
    amount: String(GIB),
    startsAt: T0,
    endsAt: T0 + 2 * HOUR,
    ...over,
  })
  const leaseBy = (keys: Keys, over: Partial<LeaseTerms> = {}): SignedLease =>
    signLease(terms(over), keys.secretKey)
  const receiptFor = (
    lease: SignedLease,
    startsAt = T0,
    endsAt = T0 + HOUR,
    by: Keys = holder,
  ): SignedUsageReceipt =>
    signUsageReceipt(lease.terms, { startsAt, endsAt }, by, by === holder ? holderBinding : undefined)!

  const claim = (lease: SignedLease, receipt: SignedUsageReceipt, from: Keys = owner): SignedTx =>
    signTx(
      {
        kind: 'usage-claim',
        chainId: CHAIN,
        from: from.address,
        publicKey: toBase64(from.publicKey),
        nonce: state.account(from.address)!.nonce,
        fee: '10',
        lease,
        receipt,
      },
      falcon1024Scheme,
      from.secretKey,
    )

  /** Applies to a copy; a refusal must leave the state as it was. */
  function attempt(tx: SignedTx): RejectionCode | null {
    const before = state.root()
    const working = state.copy()
    const code = rejectionCode(() => applyTx(working, tx, ctx, owner.address))
    if (code == null) state = working
    else expect(working.root()).toBe(before)
    return code
  }

  /** Runs blocks up to the next epoch's first, which pays the epoch before. */
  function endEpoch(): void {
    const next = (epochOf(state.height, SCHEDULE) + 1) * SCHEDULE.epochBlocks
    while (state.height < next) state = beginBlock(state, state.height + 1, state.timeMs + 1000, PARAMS)
  }

  it('pays one GiB-hour of FullPublic memory at the rate times 1.25 at the next epoch', () => {
    const lease = leaseBy(owner)
    expect(attempt(claim(lease, receiptFor(lease)))).toBeNull()
    expect(state.usage.size).toBe(1)
    const before = state.account(owner.address)!.balance
    endEpoch()
    const expected = (BigInt(SCHEDULE.ratePerUnitHour.memory) * 1_250_000n) / 1_000_000n
    expect(state.account(owner.address)!.balance - before).toBe(expected)
    expect(state.payouts?.amounts.get(`${owner.address}|memory`)).toBe(expected)
    expect(state.payouts?.epoch).toBe(0)
    expect(state.usage.size).toBe(0)
  })

  it('takes the next stretch of the same lease, and refuses the same or an overlapping one again', () => {
    const lease = leaseBy(owner)
    const first = receiptFor(lease, T0, T0 + HOUR)
    expect(attempt(claim(lease, first))).toBeNull()
    expect(attempt(claim(lease, first))).toBe('duplicate')
    expect(attempt(claim(lease, receiptFor(lease, T0 + HOUR / 2, T0 + 2 * HOUR)))).toBe('duplicate')
    expect(attempt(claim(lease, receiptFor(lease, T0 + HOUR, T0 + 2 * HOUR)))).toBeNull()
  })

  it('refuses a forged, truncated or re-keyed receipt signature', () => {
    const lease = leaseBy(owner)
    const good = receiptFor(lease)
    const bytes = Buffer.from(good.signature, 'base64')
    bytes[40]! ^= 1
    expect(attempt(claim(lease, { ...good, signature: bytes.toString('base64') }))).toBe('invalid-receipt')
    expect(attempt(claim(lease, { ...good, signature: bytes.subarray(0, 200).toString('base64') }))).toBe(
      'invalid-receipt',
    )
    // Signed by the holder, but presented with another key: the signature does not verify under it.
    expect(attempt(claim(lease, { ...good, holderKey: toBase64(stranger.publicKey) }))).toBe(
      'invalid-receipt',
    )
    // Use inflated after signing.
    const inflated = { ...good, receipt: { ...good.receipt, unitSeconds: '1' + good.receipt.unitSeconds } }
    expect(attempt(claim(lease, inflated))).toBe('invalid-receipt')
  })

  it('binds an unbound holder by the binding its receipt carries, then holds the holder to that key', () => {
    const lease = leaseBy(owner)
    expect(state.peerBinding(HOLDER_PEER)).toBeUndefined()
    expect(attempt(claim(lease, receiptFor(lease, T0, T0 + HOUR)))).toBeNull()
    expect(state.peerBinding(HOLDER_PEER)).toMatchObject({ address: holder.address })
    expect(state.peerOfAccount(holder.address)).toBe(HOLDER_PEER)
    // Bound now: the next receipt needs no binding of its own.
    const { holderBinding: _carried, ...bare } = receiptFor(lease, T0 + HOUR, T0 + 2 * HOUR)
    expect(attempt(claim(lease, bare))).toBeNull()
  })

  it('refuses a receipt the owner signed with a fresh key for a holder it named (issue 17, item 5)', () => {
    const lease = leaseBy(owner)
    // The owner's fresh key, not bound to the holder: no binding at all, …
    const fresh = account()
    expect(attempt(claim(lease, receiptFor(lease, T0, T0 + HOUR, fresh)))).toBe('invalid-receipt')
    // … or a binding of the holder's peer id that the holder's Ed25519 key never signed.
    const forged = {
      ...receiptFor(lease, T0, T0 + HOUR, fresh),
      holderBinding: {
        ...holderBinding,
        binding: { ...holderBinding.binding, falconKey: toBase64(fresh.publicKey) },
      },
    }
    expect(attempt(claim(lease, forged))).toBe('invalid-receipt')
    // Once the holder is bound, a key bound to no one, or another peer's binding, is refused too.
    expect(attempt(claim(lease, receiptFor(lease, T0, T0 + HOUR)))).toBeNull()
    expect(attempt(claim(lease, receiptFor(lease, T0 + HOUR, T0 + 2 * HOUR, fresh)))).toBe('invalid-receipt')
  })

  it('refuses a receipt whose key is bound to another peer than its holder', async () => {
    const lease = leaseBy(owner)
    const other = await boundPeer(stranger)
    const signed = receiptFor(lease, T0, T0 + HOUR, stranger)
    expect(attempt(claim(lease, { ...signed, holderBinding: other.binding }))).toBe('invalid-receipt')
  })

  it('refuses a lease not signed by the asset owner, or a claim by someone else', () => {
    const forged = leaseBy(stranger)
    expect(attempt(claim(forged, receiptFor(forged)))).toBe('bad-signature')
    const lease = leaseBy(owner)
    expect(attempt(claim(lease, receiptFor(lease), stranger))).toBe('invalid-receipt')
  })

  it('refuses receipts for another lease, network, or time outside the lease', () => {
    const lease = leaseBy(owner)
    const other = leaseBy(owner, { leaseId: '2'.repeat(64) })
    expect(attempt(claim(lease, receiptFor(other)))).toBe('invalid-receipt')
    const elsewhere = signUsageReceipt(
      { ...lease.terms, networkId: 'd'.repeat(64) },
      { startsAt: T0, endsAt: T0 + HOUR },
      holder,
    )!
    expect(attempt(claim(lease, elsewhere))).toBe('invalid-receipt')
    expect(attempt(claim(lease, receiptFor(lease, T0 - HOUR, T0 + HOUR)))).toBe('invalid-receipt')
    expect(attempt(claim(lease, receiptFor(lease, T0 + HOUR, T0 + 3 * HOUR)))).toBe('invalid-receipt')
  })

  it('refuses a receipt the owner signed itself, for a Private or unknown asset, or ending in the future', () => {
    const lease = leaseBy(owner)
    expect(attempt(claim(lease, receiptFor(lease, T0, T0 + HOUR, owner)))).toBe('invalid-receipt')
    const future = leaseBy(owner, { leaseId: '3'.repeat(64), endsAt: T0 + 5 * HOUR })
    expect(attempt(claim(future, receiptFor(future, T0, T0 + 4 * HOUR)))).toBe('invalid-receipt')
    const unknown = leaseBy(owner, { assetId: 'e'.repeat(64) })
    expect(attempt(claim(unknown, receiptFor(unknown)))).toBe('unknown-asset')
    state.assets.set(ASSET, { ...state.assets.get(ASSET)!, privacy: 'Private' })
    expect(attempt(claim(lease, receiptFor(lease)))).toBe('invalid-receipt')
  })

  it('refuses CPU and GPU claims: they are paid for measured work in settled jobs', () => {
    const lease = leaseBy(owner, { amount: '1000' })
    for (const resource of ['cpu', 'gpu'] as const) {
      state.assets.set(ASSET, { ...state.assets.get(ASSET)!, resource, capacity: 4000n })
      const tx = claim(lease, receiptFor(lease))
      const working = state.copy()
      expect(() => applyTx(working, tx, ctx, owner.address)).toThrow(/CPU and GPU are paid for measured work/)
      expect(attempt(tx)).toBe('invalid-receipt')
    }
    expect(state.usage.size).toBe(0)
  })

  it('refuses a lease for more than the asset registered, and receipts claimed too late', () => {
    const huge = leaseBy(owner, { amount: String(8 * GIB) })
    expect(attempt(claim(huge, receiptFor(huge)))).toBe('invalid-receipt')
    const lease = leaseBy(owner)
    state.timeMs = lease.terms.endsAt + CLAIM_WINDOW_MS + 1
    expect(attempt(claim(lease, receiptFor(lease)))).toBe('stale')
  })

  it('forgets old lease claims once their receipts can no longer be claimed', () => {
    const lease = leaseBy(owner)
    expect(attempt(claim(lease, receiptFor(lease)))).toBeNull()
    state = beginBlock(state, state.height + 1, lease.terms.endsAt + CLAIM_WINDOW_MS + 1, PARAMS)
    expect(state.leaseClaims.size).toBe(0)
  })

  it('refuses an oversized claim before parsing it', () => {
    const lease = leaseBy(owner)
    const bytes = canonicalBytes(claim(lease, receiptFor(lease)))
    expect(rejectionCode(() => decodeTx(bytes, { maxTxBytes: 1024 }))).toBe('oversized')
    expect(decodeTx(bytes, PARAMS).body.kind).toBe('usage-claim')
  })

  it('pays at most the emission, shared pro rata, when claims ask for more', () => {
    const capped: ChainParams = { ...PARAMS, rewards: { ...SCHEDULE, emissionPerEpoch: '1000' } }
    ctx = { ...ctx, params: capped }
    state.assets.set('b'.repeat(64), {
      ...state.assets.get(ASSET)!,
      assetId: 'b'.repeat(64),
      resource: 'storage',
    })
    const memory = leaseBy(owner)
    const storage = leaseBy(owner, { assetId: 'b'.repeat(64), leaseId: '4'.repeat(64) })
    expect(attempt(claim(memory, receiptFor(memory)))).toBeNull()
    expect(attempt(claim(storage, receiptFor(storage)))).toBeNull()
    const before = state.account(owner.address)!.balance
    const next = SCHEDULE.epochBlocks
    while (state.height < next) state = beginBlock(state, state.height + 1, state.timeMs + 1000, capped)
    const paid = state.account(owner.address)!.balance - before
    expect(paid).toBeLessThanOrEqual(1000n)
    expect(paid).toBeGreaterThan(990n)
    // Memory earns 40 times what storage does per GiB-hour, and keeps that ratio under the cap.
    const m = state.payouts!.amounts.get(`${owner.address}|memory`)!
    const s = state.payouts!.amounts.get(`${owner.address}|storage`)!
    expect(m / s).toBe(40n)
  })
})
