import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { classicTransportProfile } from './classic'
import { stoq, STOQ_PROTOCOL } from './encrypter'
import { STOQ_NOISE_PROTOCOL } from './handshake/xxhfs'
import type { StoqMetrics } from './metrics'
import type { TransportProfile } from './profile'

export interface StoqProfileInit {
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  metrics?: StoqMetrics
  /**
   * Also speak classical Noise, listed after STOQ so that STOQ wins whenever both peers have it. Whether a
   * classical connection may stay open is the network's rule (its genesis), enforced per connection.
   */
  offerClassicalNoise?: boolean
  /** Streams one connection may open to us at once (yamux). */
  maxInboundStreams?: number
}

/**
 * yamux tuned for STOQ (measured in bench/stoq.ts): 256 KiB messages instead of 64 KiB, so one STOQ
 * frame carries one yamux message, and a 1 MiB initial window (libp2p's default is 256 KiB, which
 * stalls a sender after a quarter of a MiB per round trip).
 */
export const STOQ_YAMUX_CONFIG = {
  maxMessageSize: 256 * 1024,
  streamOptions: { initialStreamWindowSize: 1024 * 1024, maxStreamWindowSize: 16 * 1024 * 1024 },
}

/**
 * libp2p's connection monitor opens a ping stream on every connection every 10 s by default; a node
 * holding thousands of connections spends a core on that alone (measured in bench/connections.ts).
 * yamux's own keepalive already finds dead links, so the monitor runs once a minute.
 */
export const CONNECTION_MONITOR = { pingInterval: 60_000 }

/** TCP and WebSockets secured by the STOQ hybrid post-quantum handshake, multiplexed by yamux. */
export function stoqTransportProfile(init: StoqProfileInit): TransportProfile {
  const classic = classicTransportProfile()
  return {
    name: `STOQ (${STOQ_NOISE_PROTOCOL}) over TCP/WebSockets, yamux`,
    postQuantum: true,
    libp2pOptions: () => ({
      transports: [tcp(), webSockets()],
      connectionEncrypters: [
        stoq({ falcon: init.falcon, metrics: init.metrics }),
        ...(init.offerClassicalNoise === true ? [noise()] : []),
      ],
      streamMuxers: [yamux({ ...STOQ_YAMUX_CONFIG, maxInboundStreams: init.maxInboundStreams ?? 256 })],
    }),
    listenAddresses: classic.listenAddresses,
  }
}

/** True if a connection was secured by STOQ (and so is post-quantum). */
export const isStoqConnection = (connection: { encryption?: string }): boolean =>
  connection.encryption === STOQ_PROTOCOL
