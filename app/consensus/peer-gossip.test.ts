import { describe, expect, it } from 'vitest'
import { PeerGossip } from './peer-gossip'

const item = (key: string, round: number) => ({ key, round, message: key })
const keys = (items: { key: string }[]): string[] => items.map((i) => i.key)

describe('PeerGossip', () => {
  it('sends a peer what it lacks once, again after resendMs, and never what it sent us', () => {
    const gossip = new PeerGossip(2_000, 8)
    gossip.atHeight(5)
    gossip.status('a', 4, 0)
    const items = [item('x', 0), item('y', 0)]
    gossip.received('a', 'y', 0)
    expect(keys(gossip.lacking('a', items, 0))).toEqual(['x'])
    expect(gossip.lacking('a', items, 1_999)).toEqual([])
    expect(keys(gossip.lacking('a', items, 2_000))).toEqual(['x'])
    // A new height forgets what peers had.
    gossip.atHeight(6)
    gossip.status('a', 5, 0)
    expect(keys(gossip.lacking('a', items, 2_001))).toEqual(['x', 'y'])
  })

  it('sends a far round once, and again as soon as the peer reaches a round where it tallies it', () => {
    const gossip = new PeerGossip(2_000, 8)
    gossip.atHeight(5)
    gossip.status('a', 4, 0)
    const far = [item('r3', 3)]
    expect(keys(gossip.lacking('a', far, 0))).toEqual(['r3'])
    gossip.status('a', 4, 1)
    expect(gossip.lacking('a', far, 10)).toEqual([])
    gossip.status('a', 4, 2)
    expect(keys(gossip.lacking('a', far, 20))).toEqual(['r3'])
    expect(gossip.lacking('a', far, 30)).toEqual([])
  })

  it('gossips only to peers at this height, and keeps at most maxPeers', () => {
    const gossip = new PeerGossip(2_000, 3)
    gossip.atHeight(5)
    gossip.status('behind', 2, 0)
    gossip.status('a', 4, 0)
    gossip.status('b', 4, 0)
    expect(gossip.peersAt(5)).toEqual(['a', 'b'])
    gossip.sentToAll('x', 0)
    expect(gossip.lacking('a', [item('x', 0)], 1)).toEqual([])
    // The least recently heard goes first.
    gossip.status('a', 4, 0)
    gossip.status('c', 4, 0)
    gossip.status('d', 4, 0)
    expect(gossip.peersAt(5)).toEqual(['a', 'c', 'd'])
  })
})
