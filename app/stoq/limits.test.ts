import { describe, expect, it } from 'vitest'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { MultiaddrConnection } from '@libp2p/interface'
import { createConnectionLimiter } from './limits'
import { networkOf } from './network-prefix'

/** A real inbound MultiaddrConnection that appears to come from `host`. */
const inboundFrom = (host: string): MultiaddrConnection =>
  multiaddrConnectionPair({ inbound: { remoteAddr: multiaddr(`/ip4/${host}/tcp/40000`) } })[1]

const newPeer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('connection limiter', () => {
  it('admits maxPendingPerHost handshakes from one host, refuses the next, and still admits other hosts', () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 3, maxConnectionsPerPeer: 4 }, () => 0)
    const admitted = [1, 2, 3].map(() => limiter.denyInboundConnection?.(inboundFrom('10.0.0.1')))
    expect(admitted).toEqual([false, false, false])
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.1'))).toBe(true)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.2'))).toBe(false)
    expect(limiter.pendingByHost().get('10.0.0.1')).toBe(3)
    expect(limiter.refused()['pending-per-host']).toBe(1)
  })

  it('gives a slot back when a pending connection closes or finishes its handshake', async () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 1, maxConnectionsPerPeer: 4 }, () => 0)
    const first = inboundFrom('10.0.0.3')
    expect(limiter.denyInboundConnection?.(first)).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.3'))).toBe(true)
    await first.close()
    expect(limiter.pendingByHost().has('10.0.0.3')).toBe(false)

    const second = inboundFrom('10.0.0.3')
    expect(limiter.denyInboundConnection?.(second)).toBe(false)
    expect(limiter.denyInboundEncryptedConnection?.(await newPeer(), second)).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.3'))).toBe(false)
  })

  it('releases a slot only once, whatever order close and handshake end arrive in', async () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 2, maxConnectionsPerPeer: 4 }, () => 0)
    const a = inboundFrom('10.0.0.4')
    const b = inboundFrom('10.0.0.4')
    limiter.denyInboundConnection?.(a)
    limiter.denyInboundConnection?.(b)
    limiter.denyInboundEncryptedConnection?.(await newPeer(), a)
    await a.close()
    expect(limiter.pendingByHost().get('10.0.0.4')).toBe(1)
  })

  it('refuses a peer that already holds maxConnectionsPerPeer connections, in both directions', async () => {
    const peer = await newPeer()
    let open = 2
    const limiter = createConnectionLimiter({ maxPendingPerHost: 8, maxConnectionsPerPeer: 2 }, () => open)
    expect(limiter.denyInboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(true)
    expect(limiter.denyOutboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(true)
    open = 1
    expect(limiter.denyInboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(false)
    expect(limiter.refused()['per-peer']).toBe(2)
  })
})

const inboundFrom6 = (host: string): MultiaddrConnection =>
  multiaddrConnectionPair({ inbound: { remoteAddr: multiaddr(`/ip6/${host}/tcp/40000`) } })[1]

/** A clock the test moves by hand (ms). */
const manualClock = () => {
  let t = 0
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('network of an address', () => {
  it.each([
    ['ip4', '198.51.100.7', 'ip4:198.51.100.0/24'],
    ['ip4', '127.0.3.200', 'ip4:127.0.3.0/24'],
    ['ip6', '2001:db8:0:1::5', 'ip6:2001:db8:0:1::/64'],
    ['ip6', '2001:0db8:0000:0001:ffff:ffff:ffff:ffff', 'ip6:2001:db8:0:1::/64'],
    ['ip6', 'fe80::1%eth0', 'ip6:fe80:0:0:0::/64'],
    ['ip6', '::1', 'ip6:0:0:0:0::/64'],
    ['ip6', '::ffff:198.51.100.9', 'ip4:198.51.100.0/24'],
    ['ip6', '::ffff:c633:6409', 'ip4:198.51.100.0/24'],
    ['ip4', '999.1.2.3', 'ip4:999.1.2.3'],
    ['ip6', '1::2::3', 'ip6:1::2::3'],
    ['dns4', 'example.org', 'dns4:example.org'],
  ])('%s %s is in %s', (protocol, address, network) => {
    expect(networkOf(protocol, address)).toBe(network)
  })
})

describe('connection limiter: networks and the global handshake budget', () => {
  it('counts pending handshakes per /24 as well as per host: many addresses are one network', () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 8, maxPendingPerNetwork: 4 }, () => 0)
    const fromOneNetwork = [1, 2, 3, 4, 5].map((h) =>
      limiter.denyInboundConnection?.(inboundFrom(`127.0.3.${h}`)),
    )
    expect(fromOneNetwork).toEqual([false, false, false, false, true])
    expect(limiter.denyInboundConnection?.(inboundFrom('127.0.0.1'))).toBe(false)
    expect(limiter.pendingByNetwork().get('ip4:127.0.3.0/24')).toBe(4)
    expect(limiter.refused()['pending-per-network']).toBe(1)
  })

  it('counts the addresses of one IPv6 /64 together, and another /64 apart', () => {
    const limiter = createConnectionLimiter({ maxPendingPerNetwork: 2 }, () => 0)
    expect(limiter.denyInboundConnection?.(inboundFrom6('2001:db8:0:1::1'))).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom6('2001:db8:0:1:ffff::2'))).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom6('2001:db8:0:1:1234:5678:9abc:def0'))).toBe(true)
    expect(limiter.denyInboundConnection?.(inboundFrom6('2001:db8:0:2::1'))).toBe(false)
  })

  it('admits at most inboundPerNetworkPerSecond new connections from a network, then again a second later', () => {
    const clock = manualClock()
    const limiter = createConnectionLimiter({ inboundPerNetworkPerSecond: 5 }, () => 0, clock.now)
    const attempts = Array.from({ length: 8 }, (_, i) =>
      limiter.denyInboundConnection?.(inboundFrom(`10.1.1.${i}`)),
    )
    expect(attempts).toEqual([false, false, false, false, false, true, true, true])
    expect(limiter.refused()['network-rate']).toBe(3)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.1.2.1'))).toBe(false)
    clock.advance(200) // one token back (5 per second)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.1.1.100'))).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.1.1.101'))).toBe(true)
  })

  it('refuses busy networks once the global budget is spent, and still admits a quiet one from the reserve', () => {
    const clock = manualClock()
    const limiter = createConnectionLimiter(
      { inboundHandshakesPerSecond: 10, inboundPerNetworkPerSecond: 5, maxPendingPerNetwork: 100 },
      () => 0,
      clock.now,
    )
    // Five networks spend the budget of 10 between them, two handshakes each.
    for (let n = 1; n <= 5; n++)
      for (const h of [1, 2])
        expect(limiter.denyInboundConnection?.(inboundFrom(`10.2.${n}.${h}`))).toBe(false)
    // A network that has already started handshakes this second is refused now.
    expect(limiter.denyInboundConnection?.(inboundFrom('10.2.1.3'))).toBe(true)
    expect(limiter.refused()['global-budget']).toBe(1)
    // A quiet network gets in from the reserve (one a second at this budget); the next quiet one waits.
    expect(limiter.denyInboundConnection?.(inboundFrom('192.0.2.1'))).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('198.51.100.1'))).toBe(true)
    clock.advance(1_000)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.2.1.4'))).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('198.51.100.1'))).toBe(false)
  })
})
