import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { TransportCertificate } from '@libp2p/webrtc'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { classicTransportProfile } from './classic'
import { refuseDowngrades } from './downgrade-guard'
import { stoq, STOQ_PROTOCOL } from './encrypter'
import { STOQ_NOISE_PROTOCOL } from './handshake/xxhfs'
import { createStoqMetrics, type StoqMetrics } from './metrics'
import type { PeerKeyDirectory } from './peer-keys'
import type { FalconKeyPair, FalconSigner } from './handshake/falcon-signer'
import type { FrameCipherName } from './crypto/types'
import type { ListenOptions, TransportProfile } from './profile'
import { stoqOverQuic } from './quic'
import { stoqOverWebRTCDirect, webRTCDirectListenAddress } from './webrtc-direct'

export interface StoqProfileInit {
  falcon: FalconKeyPair
  /** Where handshakes sign and verify with FALCON: worker threads in the node, inline by default. */
  falconSigner?: FalconSigner
  /** Frame ciphers to offer, preferred first; by default all, fastest here first. */
  frameCiphers?: readonly FrameCipherName[]
  metrics?: StoqMetrics
  /**
   * Also speak classical Noise, listed after STOQ so that STOQ wins whenever both peers have it. Whether a
   * classical connection may stay open is the network's rule (its genesis), enforced per connection.
   */
  offerClassicalNoise?: boolean
  /**
   * Peers' bound FALCON keys and which peers speak STOQ: the handshake refuses a key other than the bound
   * one, and classical Noise is refused from every peer known to speak STOQ (./downgrade-guard.ts).
   */
  peerKeys?: PeerKeyDirectory
  /** Streams one connection may open to us at once (yamux). */
  maxInboundStreams?: number
  /** Also QUIC, with STOQ on top (./quic.ts). On by default. */
  quic?: boolean
  /** Also WebRTC Direct, for browser peers, with STOQ on top (./webrtc-direct.ts). On by default. */
  webrtcDirect?: boolean
  /** The DTLS certificate WebRTC Direct serves, kept across restarts; a fresh one per start if not given. */
  webrtcCertificate?: TransportCertificate
}

/**
 * libp2p's connection monitor opens a ping stream on every connection every 10 s by default; a node
 * holding thousands of connections spends a core on that alone (measured in bench/connections.ts), so it
 * runs once a minute. It closes a connection on the first ping that fails or takes longer than its
 * timeout (5 s at least by default): a busy node or a link full of bulk data then lost healthy
 * connections, so a ping may take 30 s before the connection counts as dead.
 */
export const CONNECTION_MONITOR = { pingInterval: 60_000, pingTimeout: { minTimeout: 30_000 } }

/**
 * Ping streams per connection. The connection monitor's pings count against the ping service's limits;
 * at @libp2p/ping's default of one outbound stream, a monitor ping that met the node's own latency ping
 * failed with "too many outbound protocol streams", and the monitor closed the connection for it. Inbound
 * allows the peer's monitor and latency pings both, with room.
 */
export const PING_STREAM_LIMITS = { maxOutboundStreams: 2, maxInboundStreams: 4 }

/**
 * TCP, WebSockets, QUIC and WebRTC Direct, every connection secured by the STOQ hybrid post-quantum
 * handshake and multiplexed by yamux (over QUIC and WebRTC too: ./pipe.ts).
 */
export function stoqTransportProfile(init: StoqProfileInit): TransportProfile {
  const classic = classicTransportProfile()
  const withQuic = init.quic !== false
  const withWebRTC = init.webrtcDirect !== false
  const classical = (metrics: StoqMetrics): ReturnType<typeof noise> =>
    init.peerKeys == null ? noise() : refuseDowngrades(noise(), { peerKeys: init.peerKeys, metrics })
  const carriers = [
    'TCP',
    'WebSockets',
    ...(withQuic ? ['QUIC'] : []),
    ...(withWebRTC ? ['WebRTC Direct'] : []),
  ]
  return {
    name: `STOQ (${STOQ_NOISE_PROTOCOL}) over ${carriers.join('/')}, yamux`,
    postQuantum: true,
    libp2pOptions: () => {
      // One metrics object for both encrypters, so that refused downgrades are counted with the handshakes.
      const metrics = init.metrics ?? createStoqMetrics()
      return {
        transports: [
          tcp(),
          webSockets(),
          ...(withQuic ? [stoqOverQuic()] : []),
          ...(withWebRTC ? [stoqOverWebRTCDirect({ certificate: init.webrtcCertificate })] : []),
        ],
        connectionEncrypters: [
          stoq({
            falcon: init.falcon,
            falconSigner: init.falconSigner,
            frameCiphers: init.frameCiphers,
            metrics,
            peerKeys: init.peerKeys,
          }),
          ...(init.offerClassicalNoise === true ? [classical(metrics)] : []),
        ],
        streamMuxers: [
          // yamux's own window and message sizes: larger ones measured no faster (docs/performance.md).
          yamux({ maxInboundStreams: init.maxInboundStreams ?? 256 }),
        ],
      }
    },
    listenAddresses: (o: ListenOptions) => [
      ...classic.listenAddresses(o),
      ...(withQuic && o.quicPort != null ? quicListenAddresses(o, o.quicPort) : []),
      ...(withWebRTC && o.webrtcPort != null ? [webRTCDirectListenAddress(o, o.webrtcPort)] : []),
    ],
  }
}

/** `/ip6/…/udp/PORT/quic-v1` first where IPv6 is on, then IPv4. */
function quicListenAddresses(o: ListenOptions, port: number): string[] {
  const hosts: Array<[string, string]> = []
  if (o.ipv6) hosts.push(['ip6', o.loopbackOnly ? '::1' : '::'])
  hosts.push(['ip4', o.loopbackOnly ? '127.0.0.1' : '0.0.0.0'])
  return hosts.map(([family, host]) => `/${family}/${host}/udp/${port}/quic-v1`)
}

/** True if a connection was secured by STOQ (and so is post-quantum). */
export const isStoqConnection = (connection: { encryption?: string }): boolean =>
  connection.encryption === STOQ_PROTOCOL
