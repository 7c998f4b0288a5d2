/**
 * A provider's checks on a job offered to it, fed bad offers: each is refused with its reason before the
 * signature is checked where a cheaper check already says no, and a forged, re-signed or altered spec is
 * refused by the signature check.
 */
import { describe, expect, it } from 'vitest'
import {
  addressOf,
  falcon1024Scheme,
  fromBase64,
  RECORDS_VERSION,
  signJobSpec,
  type JobSpec,
  type SignedJobSpec,
} from '../../consensus'
import type { JobsLedgerView, ProviderTerms } from '../ports'
import { JobRefusal } from '../protocol/messages'
import { checkOffer, privacyAdmits, worstCaseCost, type OfferContext } from './offer-checks'

const NETWORK = 'a'.repeat(64)
const SUBMITTER_PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const keys = falcon1024Scheme.keygen()
const other = falcon1024Scheme.keygen()
const account = addressOf(falcon1024Scheme, keys.publicKey)
const NOW = 1_800_000_000_000

const spec: JobSpec = {
  v: RECORDS_VERSION,
  networkId: NETWORK,
  jobId: 'b'.repeat(64),
  submitter: account,
  submitterPeer: SUBMITTER_PEER,
  runtime: 'quickjs',
  codeHash: 'c'.repeat(64),
  codeBytes: 10,
  inputHash: 'd'.repeat(64),
  inputBytes: 0,
  args: [],
  limits: { millicores: 500, memoryBytes: 64 * 1024 * 1024, wallMs: 10_000, outputBytes: 1024 },
  redundancy: 2,
  maxPayment: '1000',
  maxPricePerCoreHour: '3600',
  privacy: 'FullPublic',
  grants: { clock: false, random: false },
  createdAt: NOW,
  expiresAt: NOW + 600_000,
}
const signed = signJobSpec(spec, keys)

const terms = (change: Partial<Record<keyof ProviderTerms, unknown>> = {}): ProviderTerms => ({
  refusalFor: () => null,
  privacy: () => 'FullPublic',
  pricePerCoreHour: () => 3600n,
  offerMillicores: () => 1000n,
  maxConcurrent: () => 4,
  group: () => null,
  ...(change as Partial<ProviderTerms>),
})

function ledger(view: { payer: string; remaining: bigint; open: boolean } | null): JobsLedgerView {
  const escrow = view == null ? null : { ...view, settleBy: NOW + 3_600_000, paidTotal: 0n }
  return {
    networkId: NETWORK,
    timeMs: NOW,
    minFee: 1n,
    escrow: () => escrow,
    outvoted: () => false,
    paidTo: () => null,
    balance: () => 0n,
    addressOfKey: (key) => addressOf(falcon1024Scheme, fromBase64(key)),
    cpuAssetPeers: () => [],
  }
}

const context = (change: Partial<OfferContext> = {}): OfferContext => ({
  peer: SUBMITTER_PEER,
  networkId: NETWORK,
  now: NOW,
  terms: terms(),
  ledger: ledger({ payer: account, remaining: 1000n, open: true }),
  runtimeRefusal: () => null,
  ...change,
})

const refusalOf = (offer: SignedJobSpec, ctx: OfferContext): string => {
  try {
    checkOffer(offer, ctx)
    return 'accepted'
  } catch (err) {
    if (err instanceof JobRefusal) return `${err.code}: ${err.message}`
    throw err
  }
}

describe('a provider’s checks on a job offer', () => {
  it('takes a well-formed, signed offer from its submitter whose budget is in escrow', () => {
    expect(checkOffer(signed, context())).toEqual(spec)
  })

  it('refuses an offer relayed by another peer, for another network, or expired', () => {
    expect(
      refusalOf(signed, context({ peer: '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK' })),
    ).toMatch(/^not-allowed/)
    expect(refusalOf(signed, context({ networkId: 'e'.repeat(64) }))).toMatch(/^wrong-network/)
    expect(refusalOf(signed, context({ now: spec.expiresAt }))).toMatch(/^expired/)
  })

  it('refuses what its terms do not offer: runtime, CPU share, privacy level, price', () => {
    expect(refusalOf(signed, context({ runtimeRefusal: () => 'no QuickJS here' }))).toBe(
      'unsupported: no QuickJS here',
    )
    expect(refusalOf(signed, context({ terms: terms({ offerMillicores: () => 0n }) }))).toMatch(/^busy/)
    expect(refusalOf(signed, context({ terms: terms({ offerMillicores: () => 100n }) }))).toMatch(
      /^too-large/,
    )
    expect(refusalOf(signed, context({ terms: terms({ privacy: () => 'Private' }) }))).toMatch(/^not-allowed/)
    expect(refusalOf(signed, context({ terms: terms({ pricePerCoreHour: () => 3601n }) }))).toMatch(/^price/)
  })

  it('refuses a job whose budget is not in escrow, is someone else’s, or is too small for a run', () => {
    expect(refusalOf(signed, context({ ledger: null }))).toMatch(/^no-escrow/)
    expect(
      refusalOf(signed, context({ ledger: ledger({ payer: account, remaining: 1000n, open: false }) })),
    ).toMatch(/^no-escrow/)
    expect(
      refusalOf(signed, context({ ledger: ledger({ payer: 'f'.repeat(40), remaining: 1000n, open: true }) })),
    ).toMatch(/^no-escrow/)
    // A run of 0.5 core for 10 s at 3600 an hour costs at most 5.
    expect(worstCaseCost(spec, 3600n)).toBe(5n)
    expect(
      refusalOf(signed, context({ ledger: ledger({ payer: account, remaining: 4n, open: true }) })),
    ).toMatch(/^price/)
  })

  it('refuses a forged signature, a spec signed with another key, and a spec altered after signing', () => {
    const forged = { ...signed, signature: signJobSpec({ ...spec, maxPayment: '999' }, keys).signature }
    expect(refusalOf(forged, context())).toMatch(/^bad-signature/)
    const wrongKey = signJobSpec(spec, other)
    expect(refusalOf(wrongKey, context())).toMatch(
      /^bad-signature: the spec is not signed with the key of account/,
    )
    const altered = { ...signed, spec: { ...spec, args: ['--more'] } }
    expect(refusalOf(altered, context())).toMatch(/^bad-signature/)
  })

  it('lets a job run only on providers at its privacy level or a stricter one', () => {
    expect(privacyAdmits('PrivateNetwork', 'FullPublic')).toBe(true)
    expect(privacyAdmits('FullPublic', 'PrivateNetwork')).toBe(false)
    expect(privacyAdmits('Private', 'Private')).toBe(false)
  })
})
