/**
 * STOQ over WebRTC Direct: how a browser peer reaches a node. The browser dials
 * `/ip4/…/udp/PORT/webrtc-direct/certhash/…/p2p/…` with no signalling server: @libp2p/webrtc munges the
 * SDP so that the node can answer from the address alone, the certhash pins the node's DTLS certificate,
 * and a Noise handshake on data channel 0 binds both DTLS fingerprints to the libp2p identities. The node
 * side runs on node-datachannel (libdatachannel); in a browser the package maps to RTCPeerConnection.
 *
 * All of that is classical (ECDSA P-256 DTLS, X25519 Noise), so, as over QUIC, STOQ's hybrid handshake
 * and yamux run on one data channel, the pipe (./pipe.ts), and every application stream is inside it.
 * Nodes listen and dial; browsers dial only (a browser cannot listen for WebRTC Direct).
 */
import {
  webRTCDirect,
  type WebRTCDirectTransportComponents,
  type WebRTCTransportDirectInit,
} from '@libp2p/webrtc'
import type { Listener, Transport } from '@libp2p/interface'
import { getThinWaistAddresses } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { stoqOverCarrier } from './pipe'

/**
 * No STUN servers: @libp2p/webrtc defaults to Google's, which would tell a third party of every dial. A
 * node's public address comes from AutoNAT and its listeners (./nat.ts), and a browser dials the address
 * it was given.
 */
const NO_ICE_SERVERS = { iceServers: [] }

/**
 * A node listens on one WebRTC Direct address: @libp2p/webrtc 6.0.33 attaches every answering peer
 * connection to the first UDP mux it opened, so a second listen address accepts nothing (seen here: the
 * second family's dials time out). The one listener is `/ip6/::/udp/PORT`, a dual-stack socket that IPv4
 * peers reach too, so its IPv4 addresses are announced beside the IPv6 ones.
 */
export function webRTCDirectListenAddress(o: { ipv6: boolean; loopbackOnly: boolean }, port: number): string {
  if (o.ipv6 && !o.loopbackOnly) return `/ip6/::/udp/${port}/webrtc-direct`
  return `/ip4/${o.loopbackOnly ? '127.0.0.1' : '0.0.0.0'}/udp/${port}/webrtc-direct`
}

/** The IPv4 twins of a dual-stack (`/ip6/::`) listener's addresses: the same port and certhash. */
export function ipv4TwinsOf(listening: Multiaddr, addrs: Multiaddr[]): Multiaddr[] {
  const [host] = listening.getComponents()
  if (host?.name !== 'ip6' || host.value !== '::') return []
  const certified = addrs.find((a) => a.getComponents().some((c) => c.name === 'certhash'))
  const parts = certified?.getComponents() ?? []
  const port = Number(parts.find((c) => c.name === 'udp')?.value)
  const carrier = parts.findIndex((c) => c.name === 'webrtc-direct')
  if (!Number.isInteger(port) || carrier < 0) return []
  // `/webrtc-direct/certhash/…` and anything after it, on each IPv4 address of the host.
  const suffix = multiaddr(parts.slice(carrier))
  return getThinWaistAddresses(multiaddr(`/ip4/0.0.0.0/udp/${port}`), port).map((a) => a.encapsulate(suffix))
}

/** Announces a dual-stack listener's IPv4 addresses too. */
function withIPv4Twins(listener: Listener): Listener {
  let listening: Multiaddr | undefined
  const listen = listener.listen.bind(listener)
  const getAddrs = listener.getAddrs.bind(listener)
  listener.listen = async (ma) => {
    listening = ma
    await listen(ma)
  }
  listener.getAddrs = () => {
    const addrs = getAddrs()
    return listening == null ? addrs : [...addrs, ...ipv4TwinsOf(listening, addrs)]
  }
  return listener
}

/** A libp2p transport: WebRTC Direct underneath, a STOQ connection on top. */
export function stoqOverWebRTCDirect(
  init: WebRTCTransportDirectInit = {},
): (components: WebRTCDirectTransportComponents) => Transport {
  const makeCarrier = webRTCDirect({ rtcConfiguration: NO_ICE_SERVERS, ...init })
  return stoqOverCarrier('webrtc-direct', (components: WebRTCDirectTransportComponents) => {
    const carrier = makeCarrier(components)
    const createListener = carrier.createListener.bind(carrier)
    carrier.createListener = (options) => withIPv4Twins(createListener(options))
    return carrier
  })
}
