/**
 * Leases and usage receipts arrive from peers and from disk: generated inputs. Any bytes or JSON decode or
 * are refused with the record's own error (LeaseError; the receipt schema's refusal); valid records
 * round-trip; a signed record with any one bit of its encoding flipped is refused, by its decoder or by its
 * signature check.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  anyJson,
  anyJsonInput,
  decodedOrRefused,
  flipBit,
  mutatedObject,
} from '../../../test/support/decoding'
import { canonicalBytes } from '../codec'
import { falcon1024Scheme } from '../signature-scheme'
import { RECORDS_VERSION } from './conventions'
import {
  decodeLease,
  encodeLease,
  LeaseError,
  leaseSignatureValid,
  signLease,
  type LeaseTerms,
  type SignedLease,
} from './lease'
import { receiptRefusal, signUsageReceipt, SignedUsageReceipt } from './usage-receipt'

const NETWORK = 'c'.repeat(64)
const OWNER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'
const HOLDER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const T0 = Date.UTC(2026, 10, 30)

let owner: { publicKey: Uint8Array; secretKey: Uint8Array }
let holder: { publicKey: Uint8Array; secretKey: Uint8Array }
let lease: SignedLease
let receipt: SignedUsageReceipt
beforeAll(() => {
  owner = falcon1024Scheme.keygen()
  holder = falcon1024Scheme.keygen()
  lease = signLease(termsOf({ amount: '1048576', startsAt: T0, endsAt: T0 + 3_600_000 }), owner.secretKey)
  receipt = signUsageReceipt(lease.terms, { startsAt: T0, endsAt: T0 + 60_000 }, holder)!
  // Two FALCON-1024 key pairs: seconds on a loaded machine.
}, 60_000)

function termsOf(t: { amount: string; startsAt: number; endsAt: number }): LeaseTerms {
  return {
    v: RECORDS_VERSION,
    networkId: NETWORK,
    leaseId: 'a'.repeat(64),
    assetId: 'b'.repeat(64),
    owner: OWNER,
    holder: HOLDER,
    ...t,
  }
}

/**
 * The bits of the signed fields in a record's canonical JSON: from `key` (the signed object's key) to the
 * end of that object. The signature's base64 is not among them: codec.fromBase64 accepts a second spelling
 * of the last character before padding (unused bits set), reported to the consensus work on encodings.
 */
function signedFieldBits(bytes: Uint8Array, key: string): fc.Arbitrary<number> {
  const text = new TextDecoder().decode(bytes)
  const start = text.indexOf(key)
  if (start < 0) throw new Error(`no ${key} in the record`)
  let depth = 0
  let end = start + key.length
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++
    if (text[end] === '}' && --depth === 0) break
  }
  return fc.integer({ min: start * 8, max: (end + 1) * 8 - 1 })
}

const decodeLeaseBytes = (bytes: Uint8Array) => decodedOrRefused(() => decodeLease(bytes), LeaseError)
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
/** A receipt off the wire: the schema, then the checks against its lease and network. */
function receiptVerdict(json: unknown): 'refused' | 'stands' {
  const parsed = SignedUsageReceipt.safeParse(json)
  if (!parsed.success) return 'refused'
  return receiptRefusal(parsed.data, lease.terms, NETWORK) == null ? 'stands' : 'refused'
}

describe('leases from generated input', () => {
  it('any bytes, JSON, or lease with a field changed decode or are refused with a LeaseError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJsonInput(),
          mutatedObject(lease as unknown as Record<string, unknown>).map((v) => utf8(JSON.stringify(v))),
          mutatedObject(lease.terms as unknown as Record<string, unknown>).map((terms) =>
            utf8(JSON.stringify({ ...lease, terms })),
          ),
        ),
        (bytes) => {
          const decoded = decodeLeaseBytes(bytes)
          if (decoded.ok)
            expect(leaseSignatureValid(decoded.value, owner.publicKey)).toBe(
              JSON.stringify(decoded.value) === JSON.stringify(lease),
            )
        },
      ),
      { numRuns: 500 },
    )
  })

  it('oversized input is refused unread', () => {
    const huge = new Uint8Array(9 * 1024).fill(0x20)
    expect(decodeLeaseBytes(huge)).toMatchObject({ ok: false, error: { code: 'oversized' } })
  })

  it('valid leases round-trip', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: 1, max: 30 * 24 * 3_600_000 }),
        (amount, startsAt, length) => {
          const terms = termsOf({ amount: amount.toString(), startsAt, endsAt: startsAt + length })
          // One real signature is enough: the terms vary, the signature rides along.
          const signed = { terms, signature: lease.signature }
          expect(decodeLeaseBytes(encodeLease(signed))).toEqual({ ok: true, value: signed })
        },
      ),
      { numRuns: 300 },
    )
    expect(leaseSignatureValid(decodeLease(encodeLease(lease)), owner.publicKey)).toBe(true)
  })

  // Flips in the signature's own base64 are left out: see signedFieldBits.
  it('a signed lease with any one bit of its signed terms flipped is refused', () => {
    const bytes = encodeLease(lease)
    fc.assert(
      fc.property(signedFieldBits(bytes, '"terms":'), (at) => {
        const decoded = decodeLeaseBytes(flipBit(bytes, at))
        if (decoded.ok) expect(leaseSignatureValid(decoded.value, owner.publicKey)).toBe(false)
      }),
      { numRuns: 400 },
    )
  })
})

describe('usage receipts from generated input', () => {
  it('any JSON, or a receipt with a field changed, is refused or stands only as signed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(),
          mutatedObject(receipt as unknown as Record<string, unknown>),
          mutatedObject(receipt.receipt as unknown as Record<string, unknown>).map((r) => ({
            ...receipt,
            receipt: r,
          })),
        ),
        (json) => {
          if (receiptVerdict(json) === 'stands') expect(json).toEqual(receipt)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('a valid receipt round-trips, and with any one bit of its signed fields flipped is refused', () => {
    expect(receiptVerdict(JSON.parse(JSON.stringify(receipt)))).toBe('stands')
    const bytes = canonicalBytes(receipt)
    fc.assert(
      fc.property(signedFieldBits(bytes, '"receipt":'), (at) => {
        let json: unknown
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(flipBit(bytes, at)))
        } catch {
          return
        }
        expect(receiptVerdict(json)).toBe('refused')
      }),
      { numRuns: 400 },
    )
  })
})
