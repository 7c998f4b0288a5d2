import type { Connection } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { ProviderQuotes, QUOTE_TTL_MS } from './provider-quotes'

describe('providers’ quotes', () => {
  it('asks each provider once while its answer is fresh, and again after', async () => {
    let now = 1_000
    const reached: string[] = []
    const quotes = new ProviderQuotes({
      reach: async (peer) => {
        reached.push(peer)
        throw new Error('no route to it')
      },
      now: () => now,
    })
    expect(await quotes.ask(['a', 'b'], 'quickjs')).toEqual(
      new Map([
        ['a', { refusal: 'no route to it' }],
        ['b', { refusal: 'no route to it' }],
      ]),
    )
    await quotes.ask(['a', 'b'], 'quickjs')
    expect(reached).toEqual(['a', 'b'])
    await quotes.ask(['a'], 'wasm-wasi')
    expect(reached, 'another runtime is another question').toEqual(['a', 'b', 'a'])
    now += QUOTE_TTL_MS
    await quotes.ask(['a'], 'quickjs')
    expect(reached).toEqual(['a', 'b', 'a', 'a'])
  })

  it('takes no more than its time limit from a provider that does not answer', async () => {
    const quotes = new ProviderQuotes({
      reach: () => new Promise<Connection>(() => {}),
      now: () => 0,
      timeoutMs: 100,
    })
    const started = performance.now()
    expect(await quotes.ask(['silent'], 'quickjs')).toEqual(
      new Map([['silent', { refusal: 'it did not answer within 0.1 s' }]]),
    )
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})
