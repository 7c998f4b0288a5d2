/**
 * A job checked against its providers' quotes before anything is signed or escrowed: the estimate counts
 * only those that would take it, at their prices, and says why the others would not; placement asks the
 * preferred ones first, then the cheapest, and never those that said no.
 */
import { describe, expect, it } from 'vitest'
import type { JobSubmitRequest } from '../../../shared/jobs-schemas'
import type { JobsLedgerView, JobsServiceParts } from '../ports'
import type { JobQuote } from '../provider/offer-checks'
import { assessJob } from './job-assessment'
import type { QuoteAnswer } from './provider-quotes'

const MiB = 1024 * 1024
const request: JobSubmitRequest = {
  name: 'primes.js',
  runtime: 'quickjs',
  codeUploadId: 'u1',
  args: [],
  limits: { millicores: 500, memoryBytes: 64 * MiB, wallMs: 36_000, outputBytes: 1024 },
  redundancy: 2,
  maxPayment: '1000000',
  maxPricePerCoreHour: '100000',
  privacy: 'PublicNetwork',
}
const quote = (price: bigint, change: Partial<JobQuote> = {}): QuoteAnswer => ({
  quote: { pricePerCoreHour: price, offerMillicores: 1000n, privacy: 'PublicNetwork', ...change },
})

function parts(candidates: string[]): Pick<JobsServiceParts, 'candidates' | 'peerId' | 'ledger'> {
  return {
    peerId: 'self',
    candidates: () => ['self', ...candidates],
    ledger: () => ({ balance: () => 10_000_000n, minFee: 10n }) as unknown as JobsLedgerView,
  }
}

const asking = (answers: Record<string, QuoteAnswer>) => ({
  ask: async (peers: readonly string[]) => new Map(peers.map((p) => [p, answers[p]!])),
})

describe('a job assessed against its providers’ quotes', () => {
  it('counts the providers that would take it, cheapest first, and says why the others would not', async () => {
    const { estimate, order } = await assessJob(
      { ...request, preferredProviders: ['peer-b'] },
      parts(['peer-a', 'peer-b', 'peer-c', 'peer-d', 'peer-e', 'peer-f']),
      asking({
        'peer-a': quote(2000n),
        'peer-b': quote(9000n),
        'peer-c': quote(500_000n),
        'peer-d': quote(1000n, { privacy: 'FullPublic' }),
        'peer-e': { refusal: 'this node does not share its CPU now' },
        'peer-f': quote(3000n, { offerMillicores: 250n }),
      }),
      'account',
    )
    expect(estimate.providersAvailable).toBe(2)
    expect(estimate.cheapestPricePerCoreHour).toBe('2000')
    // 0.5 cores for 36 s is 0.005 core-hours: 10 units at 2000 and 45 at 9000; at worst 3 runs at 100000.
    expect(estimate.expectedCost).toBe('55')
    expect(estimate.worstCaseCost).toBe('1500')
    expect(estimate.problems).toEqual([])
    expect(order).toEqual(['peer-b', 'peer-a'])
  })

  it('refuses, before any escrow, a job that no provider asked would take, naming their reasons', async () => {
    const { estimate } = await assessJob(
      request,
      parts(['peer-a', 'peer-b']),
      asking({
        'peer-a': quote(200_000n),
        'peer-b': { refusal: 'it did not answer within 5 s' },
      }),
      'account',
    )
    expect(estimate.providersAvailable).toBe(0)
    expect(estimate.cheapestPricePerCoreHour).toBeNull()
    expect(estimate.problems).toHaveLength(1)
    expect(estimate.problems[0]).toMatch(/^none of the 2 providers asked would take this job now \(/)
    expect(estimate.problems[0]).toContain(
      'peer-a: this node asks 200000 per core-hour; the job pays at most 100000',
    )
    expect(estimate.problems[0]).toContain('peer-b: it did not answer within 5 s')
  })

  it('says when fewer would take it than must agree, and when there is no one to ask', async () => {
    const one = await assessJob(request, parts(['peer-a']), asking({ 'peer-a': quote(10n) }), 'account')
    expect(one.estimate.problems).toEqual([
      '2 providers must agree, but only 1 of the 1 asked would take this job now',
    ])
    const none = await assessJob(request, parts([]), asking({}), 'account')
    expect(none.estimate.problems).toEqual([
      'no peer on this network shares its CPU; join a network with providers',
    ])
  })
})
