import { describe, expect, it } from 'vitest'
import { parseProxyAddress, proxyAddressOf, resolveProxyAddress } from './proxy-address'

const NETWORK = 'a'.repeat(64)
const PEERS = [
  '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM',
]

describe('proxy addresses', () => {
  it('derive one stable IPv6-style address per network, node and resource, and resolve back to them', () => {
    const address = proxyAddressOf({ networkId: NETWORK, peerId: PEERS[1]!, resource: 'memory', index: 0 })
    expect(address).toMatch(/^fd48(:[0-9a-f]{1,4}){7}$/)
    expect(proxyAddressOf({ networkId: NETWORK, peerId: PEERS[1]!, resource: 'memory', index: 0 })).toBe(
      address,
    )
    expect(resolveProxyAddress(address, NETWORK, PEERS)).toEqual({
      peerId: PEERS[1],
      resource: 'memory',
      index: 0,
    })
    const gpu = proxyAddressOf({ networkId: NETWORK, peerId: PEERS[1]!, resource: 'gpu', index: 3 })
    expect(gpu).not.toBe(address)
    expect(parseProxyAddress(gpu)).toMatchObject({ resource: 'gpu', index: 3 })
  })

  it('parses the address however its groups are written (padded, upper case)', () => {
    const address = proxyAddressOf({ networkId: NETWORK, peerId: PEERS[0]!, resource: 'cpu', index: 0 })
    const padded = address
      .split(':')
      .map((g) => g.padStart(4, '0').toUpperCase())
      .join(':')
    expect(padded).not.toBe(address)
    expect(parseProxyAddress(padded)).toEqual(parseProxyAddress(address))
  })

  it('refuses what is not a proxy address, a mistyped one, and one of another network or an unknown peer', () => {
    const address = proxyAddressOf({ networkId: NETWORK, peerId: PEERS[0]!, resource: 'storage', index: 1 })
    expect(() => parseProxyAddress('10.0.0.1')).toThrow(/not an IPv6-style address/)
    expect(() => parseProxyAddress('2001:db8::1')).toThrow(/start with fd48/)
    const last = address.split(':').at(-1)!
    const typo = address.replace(/[0-9a-f]+$/, ((parseInt(last, 16) ^ 1) & 0xffff).toString(16))
    expect(() => parseProxyAddress(typo)).toThrow(/mistyped/)
    expect(() => resolveProxyAddress(address, 'b'.repeat(64), PEERS)).toThrow(/another network/)
    expect(() => resolveProxyAddress(address, NETWORK, [PEERS[1]!])).toThrow(/no known peer/)
    expect(() =>
      proxyAddressOf({ networkId: NETWORK, peerId: PEERS[0]!, resource: 'cpu', index: 4096 }),
    ).toThrow(/0–4095/)
  })
})
