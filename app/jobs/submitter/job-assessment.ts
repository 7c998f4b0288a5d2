/**
 * Before a job is signed or escrowed: the providers it could go to are asked for their quotes, and the
 * job is checked against each with the provider's own rule. The result is the job's estimate (what it
 * would cost, why it could not be placed) and the order in which placement asks providers: the
 * submitter's preferred ones first, then those that would take it, cheapest first. Providers that said no
 * are not asked again; those beyond the most asked come last.
 */
import { JOB_RUNTIME_INFO, type JobEstimate, type JobSubmitRequest } from '../../../shared/jobs-schemas'
import type { JobsServiceParts } from '../ports'
import { askRefusal } from '../provider/offer-checks'
import { estimateOf } from './job-terms'
import type { ProviderQuotes } from './provider-quotes'

export interface Assessment {
  estimate: JobEstimate
  /** The peers placement asks, in order. */
  order: string[]
}

export async function assessJob(
  request: JobSubmitRequest,
  parts: Pick<JobsServiceParts, 'candidates' | 'peerId' | 'ledger'>,
  quotes: Pick<ProviderQuotes, 'ask'>,
  account: string,
): Promise<Assessment> {
  const resource = JOB_RUNTIME_INFO[request.runtime].resource
  const candidates = parts.candidates(resource).filter((peer) => peer !== parts.peerId)
  const preferred = [...new Set(request.preferredProviders ?? [])].filter((p) => candidates.includes(p))
  const byPreference = [...preferred, ...shuffled(candidates.filter((p) => !preferred.includes(p)))]
  const answers = await quotes.ask(byPreference, request.runtime)
  const takers: { peer: string; price: bigint }[] = []
  const refusals: string[] = []
  for (const [peer, answer] of answers) {
    const refusal = 'quote' in answer ? askRefusal(request, answer.quote)?.message : answer.refusal
    if (refusal == null && 'quote' in answer) takers.push({ peer, price: answer.quote.pricePerCoreHour })
    else refusals.push(`${peer.slice(-8)}: ${refusal}`)
  }
  const cheapestFirst = [...takers].sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0))
  const ledger = parts.ledger()
  const estimate = estimateOf(request, {
    candidates: candidates.length,
    takers: cheapestFirst.map((t) => t.price),
    refusals,
    balance: ledger?.balance(account) ?? null,
    fee: ledger?.minFee ?? 0n,
    hasLedger: ledger != null,
  })
  const taking = new Set(takers.map((t) => t.peer))
  const order = [
    ...preferred.filter((p) => taking.has(p)),
    ...cheapestFirst.map((t) => t.peer).filter((p) => !preferred.includes(p)),
    ...byPreference.filter((p) => !answers.has(p)),
  ]
  return { estimate, order }
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}
