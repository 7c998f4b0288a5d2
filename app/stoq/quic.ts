/**
 * STOQ over QUIC: QUIC (@chainsafe/libp2p-quic, quinn with TLS 1.3) carries the connection, and STOQ's
 * hybrid post-quantum handshake and framing still secure everything on it.
 *
 * QUIC's own TLS handshake is classical (X25519 with an Ed25519 libp2p certificate), so a STOQ-over-QUIC
 * connection runs STOQ and yamux on one QUIC stream, the pipe (./pipe.ts). What QUIC adds is the UDP
 * path: its congestion control, connection ids that survive NAT rebinding, and no TCP head-of-line stall
 * between the link and STOQ.
 */
import { quic, type QuicComponents, type QuicOptions } from '@chainsafe/libp2p-quic'
import type { Transport } from '@libp2p/interface'
import { stoqOverCarrier } from './pipe'

/** A libp2p transport: QUIC underneath, a STOQ connection on top. Listen on `/ip4/…/udp/PORT/quic-v1`. */
export function stoqOverQuic(options: Partial<QuicOptions> = {}): (components: QuicComponents) => Transport {
  return stoqOverCarrier('quic', quic(options))
}
