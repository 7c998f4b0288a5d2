import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { operatorAddresses } from './addresses'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('the addresses an operator is told at start', () => {
  it('lists public, then LAN, then loopback, the shortest first in each, without wildcards or link-local', () => {
    const listed = [
      `/ip6/::1/tcp/4002/ws/p2p/${PEER}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
      `/ip4/192.168.1.20/tcp/4002/ws/p2p/${PEER}`,
      `/ip4/192.168.1.20/tcp/4001/p2p/${PEER}`,
      `/ip4/0.0.0.0/tcp/4001/p2p/${PEER}`,
      `/ip6/fe80::1/tcp/4001/p2p/${PEER}`,
      `/ip4/93.184.216.34/udp/4003/quic-v1/p2p/${PEER}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
    ]
    expect(operatorAddresses(listed.map((a) => multiaddr(a)))).toEqual([
      `/ip4/93.184.216.34/udp/4003/quic-v1/p2p/${PEER}`,
      `/ip4/192.168.1.20/tcp/4001/p2p/${PEER}`,
      `/ip4/192.168.1.20/tcp/4002/ws/p2p/${PEER}`,
      `/ip6/::1/tcp/4002/ws/p2p/${PEER}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
    ])
  })
})
