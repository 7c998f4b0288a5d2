/**
 * STOQ over WebRTC Direct between real libp2p nodes on loopback (the shared pipe suite), listening as a
 * node does: one dual-stack socket that IPv6 and IPv4 peers both reach. A browser dialing a node this way
 * is e2e/webrtc-browser.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { stoqPipeTransportComplianceTests } from '../../test/compliance/stoq-pipe-transport'
import { ipv4TwinsOf, stoqOverWebRTCDirect, webRTCDirectListenAddress } from './webrtc-direct'

stoqPipeTransportComplianceTests({
  name: 'WebRTC Direct',
  stoqTransport: () => stoqOverWebRTCDirect(),
  // No STUN servers in tests either: nothing but loopback is ever contacted.
  plainTransport: () => webRTCDirect({ rtcConfiguration: { iceServers: [] } }),
  listen: [webRTCDirectListenAddress({ ipv6: true, loopbackOnly: false }, 0)],
  families: ['ip6', 'ip4'],
  plainListen: '/ip4/127.0.0.1/udp/0/webrtc-direct',
  addressPattern: /\/udp\/\d+\/webrtc-direct\/certhash\/[\w-]+\/p2p\//,
})

describe('WebRTC Direct listen addresses', () => {
  it('listens once: dual-stack where IPv6 is on, else IPv4; loopback when asked', () => {
    expect(webRTCDirectListenAddress({ ipv6: true, loopbackOnly: false }, 4001)).toBe(
      '/ip6/::/udp/4001/webrtc-direct',
    )
    expect(webRTCDirectListenAddress({ ipv6: false, loopbackOnly: false }, 4001)).toBe(
      '/ip4/0.0.0.0/udp/4001/webrtc-direct',
    )
    expect(webRTCDirectListenAddress({ ipv6: true, loopbackOnly: true }, 4001)).toBe(
      '/ip4/127.0.0.1/udp/4001/webrtc-direct',
    )
  })

  it('announces IPv4 twins only for a dual-stack listener, with its port and certhash', () => {
    const certified = multiaddr('/ip6/::1/udp/4001/webrtc-direct/certhash/uEiAbc')
    const twins = ipv4TwinsOf(multiaddr('/ip6/::/udp/0/webrtc-direct'), [certified]).map(String)
    expect(twins).toContain('/ip4/127.0.0.1/udp/4001/webrtc-direct/certhash/uEiAbc')
    expect(
      twins.every((t) => t.startsWith('/ip4/') && t.endsWith('/udp/4001/webrtc-direct/certhash/uEiAbc')),
    ).toBe(true)
    expect(ipv4TwinsOf(multiaddr('/ip6/::1/udp/0/webrtc-direct'), [certified])).toEqual([])
    expect(ipv4TwinsOf(multiaddr('/ip4/0.0.0.0/udp/0/webrtc-direct'), [certified])).toEqual([])
    // Not listening yet: no certhash to copy.
    expect(ipv4TwinsOf(multiaddr('/ip6/::/udp/0/webrtc-direct'), [])).toEqual([])
  })
})
