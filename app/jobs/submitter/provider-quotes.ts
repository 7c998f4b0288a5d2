/**
 * What the providers a job could go to would ask for it, learnt before anything is signed or escrowed:
 * each is asked for its quote (the jobs protocol's `quote`), and the submitter checks the job against it
 * with the provider's own rule (askRefusal). Answers are kept half a minute per provider and runtime, so
 * that an estimate on every change of the form asks no one twice; asks run at once, each bounded in time.
 */
import type { Connection } from '@libp2p/interface'
import { LRUCache } from 'lru-cache'
import type { JobSpec } from '../../consensus'
import type { JobQuote } from '../provider/offer-checks'
import { askQuote } from './job-client'

/** How long an answer (a quote or a refusal) is used before the provider is asked again. */
export const QUOTE_TTL_MS = 30_000
/** How long one provider has to answer. */
export const QUOTE_TIMEOUT_MS = 5_000
/** The most providers asked for one job. */
export const MAX_QUOTED_PROVIDERS = 32

export type QuoteAnswer = { quote: JobQuote } | { refusal: string }

export interface QuoteParts {
  reach(peer: string): Promise<Connection>
  now(): number
  /** Default QUOTE_TIMEOUT_MS. */
  timeoutMs?: number
}

export class ProviderQuotes {
  private readonly answers = new LRUCache<string, { at: number; answer: Promise<QuoteAnswer> }>({
    max: 4096,
  })

  constructor(private readonly parts: QuoteParts) {}

  /** Each of the first MAX_QUOTED_PROVIDERS of `peers`, with its answer for `runtime`. */
  async ask(peers: readonly string[], runtime: JobSpec['runtime']): Promise<Map<string, QuoteAnswer>> {
    const asked = peers.slice(0, MAX_QUOTED_PROVIDERS)
    const answers = await Promise.all(asked.map((peer) => this.answerOf(peer, runtime)))
    return new Map(asked.map((peer, i) => [peer, answers[i]!]))
  }

  private answerOf(peer: string, runtime: JobSpec['runtime']): Promise<QuoteAnswer> {
    const key = `${peer}|${runtime}`
    const now = this.parts.now()
    const kept = this.answers.get(key)
    if (kept != null && now - kept.at < QUOTE_TTL_MS) return kept.answer
    const answer = this.fetch(peer, runtime)
    this.answers.set(key, { at: now, answer })
    return answer
  }

  private async fetch(peer: string, runtime: JobSpec['runtime']): Promise<QuoteAnswer> {
    const timeoutMs = this.parts.timeoutMs ?? QUOTE_TIMEOUT_MS
    const signal = AbortSignal.timeout(timeoutMs)
    const late = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () =>
        reject(new Error(`it did not answer within ${timeoutMs / 1000} s`)),
      ),
    )
    late.catch(() => {})
    try {
      const connection = await Promise.race([this.parts.reach(peer), late])
      return { quote: await Promise.race([askQuote(connection, runtime, signal), late]) }
    } catch (err) {
      return { refusal: err instanceof Error ? err.message : String(err) }
    }
  }
}
