/**
 * A HyperMesh peer in a web browser. A browser cannot listen, so it dials: a node's WebRTC Direct address
 * (`/…/udp/PORT/webrtc-direct/certhash/…`), or its WebSocket one. Either way the connection is STOQ, the
 * same hybrid post-quantum handshake as between nodes, with the @noble primitives that the package's
 * `browser` field gives browser builds instead of node:crypto.
 *
 * @example
 * ```ts
 * const peer = await createBrowserPeer()
 * const connection = await peer.dial(multiaddr(nodeAddress))
 * connection.encryption // '/stoq/1.0.0'
 * ```
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { stoq } from './encrypter'
import { CONNECTION_MONITOR, PING_STREAM_LIMITS } from './stoq-profile'
import { stoqOverWebRTCDirect } from './webrtc-direct'

export interface BrowserPeerInit {
  /** The peer's FALCON-1024 key pair; a fresh one if not given (a browser peer is usually ephemeral). */
  falcon?: { publicKey: Uint8Array; secretKey: Uint8Array }
}

export type BrowserPeer = Libp2p<{ identify: Identify; ping: Ping }>

export async function createBrowserPeer(init: BrowserPeerInit = {}): Promise<BrowserPeer> {
  return createLibp2p({
    transports: [stoqOverWebRTCDirect(), webSockets()],
    connectionEncrypters: [stoq({ falcon: init.falcon ?? falcon1024.keygen() })],
    streamMuxers: [yamux()],
    connectionMonitor: CONNECTION_MONITOR,
    // libp2p refuses private addresses in browsers by default; a node on the user's own LAN (or this
    // machine) is what a browser peer most often dials, and it dials only addresses it was given.
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify(), ping: ping(PING_STREAM_LIMITS) },
  })
}
