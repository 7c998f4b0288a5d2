import { describe, expect, it } from 'vitest'
import type { LanOffer } from '../../../shared/api'
import { LanOfferBook } from './lan-offers'

const offer = (peerId: string, seenAt: number): LanOffer => ({
  peerId,
  addresses: ['/ip4/192.168.1.2/tcp/4001'],
  seenAt,
})

describe('LanOfferBook', () => {
  it('asks for a probe only when an offer is missing or older than the refresh time', () => {
    const book = new LanOfferBook(30_000, 90_000)
    expect(book.needsProbe('a', 0)).toBe(true)
    book.set(offer('a', 0))
    expect(book.needsProbe('a', 29_999)).toBe(false)
    expect(book.needsProbe('a', 30_000)).toBe(true)
  })

  it('drops an offer whose node stopped announcing itself, and says so once', () => {
    const book = new LanOfferBook(30_000, 90_000)
    book.set(offer('a', 0))
    book.set(offer('b', 60_000))
    expect(book.list(89_999)).toHaveLength(2)
    // Past a's time to live: gone from the list and from lookups, even before the sweep.
    expect(book.list(90_000).map((o) => o.peerId)).toEqual(['b'])
    expect(book.get('a', 90_000)).toBeUndefined()
    expect(book.expire(90_000)).toBe(true)
    expect(book.expire(90_001)).toBe(false)
    expect(book.get('b', 90_000)?.peerId).toBe('b')
  })

  it('keeps an offer that is seen again', () => {
    const book = new LanOfferBook(30_000, 90_000)
    book.set(offer('a', 0))
    book.set(offer('a', 80_000))
    expect(book.expire(150_000)).toBe(false)
    expect(book.list(150_000)).toHaveLength(1)
  })

  it('forgets an offer whose node became a member', () => {
    const book = new LanOfferBook(30_000, 90_000)
    book.set(offer('a', 0))
    book.delete('a')
    expect(book.list(1)).toEqual([])
  })
})
