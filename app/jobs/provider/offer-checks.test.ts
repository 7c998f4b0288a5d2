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
  signJobSpec,
  type JobSpec,
  type SignedJobSpec,
} from '../../consensus'
import { CHAIN, jobSpec, keysOf, PEERS, T0 } from '../../consensus/jobs/test-fixture'
import type { JobsLedgerView, ProviderTerms } from '../ports'
import { JobRefusal } from '../protocol/messages'
import { checkOffer, privacyAdmits, worstCaseCost, type OfferContext } from './offer-checks'

const keys = keysOf()
const other = falcon1024Scheme.keygen()
const account = keys.address
const NETWORK = CHAIN
const SUBMITTER_PEER = PEERS[3]!
const NOW = T0

const spec: JobSpec = jobSpec(keys, {
  jobId: 'b'.repeat(64),
  runtime: 'quickjs',
  codeBytes: 10,
  limits: { millicores: 500, memoryBytes: 64 * 1024 * 1024, wallMs: 10_000, outputBytes: 1024 },
  maxPayment: '1000',
  maxPricePerCoreHour: '3600',
  privacy: 'FullPublic',
  expiresAt: NOW + 600_000,
})
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

describe('a provider’s checks on a GPU job offer', () => {
  const gpuSpec: JobSpec = {
    ...spec,
    runtime: 'wgsl',
    args: ['16'],
    limits: { ...spec.limits, millicores: 250 },
  }
  const gpuSigned = signJobSpec(gpuSpec, keys)
  /** CPU terms that would refuse everything, GPU terms that take the job: only the GPU's count. */
  const byResource = (gpu: Partial<Record<'refusal' | 'offer' | 'privacy' | 'price', unknown>> = {}) =>
    terms({
      refusalFor: (_peer: string, resource?: string) =>
        resource === 'gpu' ? ((gpu.refusal as string | undefined) ?? null) : 'no CPU for you',
      offerMillicores: (resource: string) => (resource === 'gpu' ? (gpu.offer ?? 500n) : 0n),
      privacy: (resource: string) => (resource === 'gpu' ? (gpu.privacy ?? 'FullPublic') : 'Private'),
      pricePerCoreHour: (resource: string) => (resource === 'gpu' ? (gpu.price ?? 3600n) : 999_999n),
    })

  it('takes a WGSL job on the GPU’s terms, whatever the CPU’s say', () => {
    expect(checkOffer(gpuSigned, context({ terms: byResource() }))).toEqual(gpuSpec)
  })

  it('refuses it by the GPU’s terms: who asks, share, privacy level, price per GPU-hour', () => {
    expect(refusalOf(gpuSigned, context({ terms: byResource({ refusal: 'not a trusted peer' }) }))).toBe(
      'not-allowed: not a trusted peer',
    )
    expect(refusalOf(gpuSigned, context({ terms: byResource({ offer: 0n }) }))).toBe(
      'busy: this node does not share its GPU now',
    )
    expect(refusalOf(gpuSigned, context({ terms: byResource({ offer: 100n }) }))).toBe(
      'too-large: the job asks for 250 thousandths of a GPU; this node offers 100',
    )
    expect(refusalOf(gpuSigned, context({ terms: byResource({ privacy: 'Private' }) }))).toMatch(
      /^not-allowed: this node shares its GPU at level Private/,
    )
    expect(refusalOf(gpuSigned, context({ terms: byResource({ price: 3601n }) }))).toBe(
      'price: this node asks 3601 per GPU-hour; the job pays at most 3600',
    )
  })

  it('refuses it in words where the node has no GPU host', () => {
    const noGpu = context({
      terms: byResource(),
      runtimeRefusal: () => 'this node runs no GPU jobs: no WebGPU adapter: no page with WebGPU is attached',
    })
    expect(refusalOf(gpuSigned, noGpu)).toMatch(/^unsupported: this node runs no GPU jobs: no WebGPU adapter/)
  })
})
