/**
 * STOQ: the transport under every HyperMesh connection.
 *
 * A {@link TransportProfile} says which libp2p transports, connection encrypters and stream muxers a node
 * uses, and where it listens. Nodes use {@link stoqTransportProfile}: TCP, WebSockets, QUIC and WebRTC
 * Direct (the last two with STOQ on one pipe stream, ./pipe.ts), all secured by the STOQ handshake
 * (`/stoq/1.0.0`: Noise XXhfs with X25519 + ML-KEM-1024, both peers' FALCON-1024 keys bound to the
 * transcript; see docs/stoq.md) and multiplexed by yamux. Browsers use {@link createBrowserPeer}.
 * {@link classicTransportProfile} (Noise, X25519 only) exists for benchmarks and for networks whose
 * genesis allows classical peers; a node that offers it refuses it from peers known to speak STOQ
 * ({@link refuseDowngrades}). A {@link PeerKeyDirectory} (a port the node satisfies) tells the handshake
 * which FALCON key is bound to a peer id.
 *
 * @example
 * ```ts
 * const profile = stoqTransportProfile({ falcon: identity.falcon })
 * const libp2p = await createLibp2p({ ...profile.libp2pOptions(), addresses: { listen: profile.listenAddresses(opts) } })
 * ```
 */
export { classicTransportProfile } from './classic'
export { stoqOverCarrier } from './pipe'
export { stoqOverQuic } from './quic'
export { stoqOverWebRTCDirect } from './webrtc-direct'
export { createBrowserPeer, type BrowserPeer, type BrowserPeerInit } from './browser-peer'
export {
  stoqTransportProfile,
  isStoqConnection,
  CONNECTION_MONITOR,
  PING_STREAM_LIMITS,
  type StoqProfileInit,
} from './stoq-profile'
export { stoq, STOQ_PROTOCOL, type StoqInit, type StoqExtensions } from './encrypter'
export { type PeerKeyDirectory } from './peer-keys'
export { refuseDowngrades, DowngradeRefusedError } from './downgrade-guard'
export { STOQ_NOISE_PROTOCOL } from './handshake/xxhfs'
export {
  inlineFalconSigner,
  verifyFalconSignature,
  type FalconImplementation,
  type FalconKeyPair,
  type FalconSigner,
} from './handshake/falcon-signer'
export { nodeCrypto } from './crypto/node'
export { nobleCrypto } from './crypto/noble'
export type { StoqCrypto, FrameCipherName } from './crypto/types'
export { FRAME_CIPHER_NAMES, chooseFrameCipher } from './crypto/types'
export { createStoqMetrics, type StoqMetrics, type StoqMetricsSnapshot } from './metrics'
export type { TransportProfile, ListenOptions, TransportComponents } from './profile'
export { cancelAddressUpdatesOnStop, fixQuadraticGetConnections } from './libp2p-fixes'
export { drained, sendAll } from './backpressure'
export { startLinkTuner, tuneConnection, type LinkTuner } from './link/tuner'
export { classifyLinkTier, tuneForLink, LINK_TIERS, type LinkTier, type LinkTuning } from './link/tiers'
export type { LinkEstimate } from './link/estimator'
export { raceAddresses, orderForHappyEyeballs, CONNECTION_ATTEMPT_DELAY_MS } from './happy-eyeballs'
export {
  createConnectionLimiter,
  DEFAULT_CONNECTION_LIMITS,
  type ConnectionLimiter,
  type ConnectionLimits,
} from './limits'
export {
  natTraversal,
  DEFAULT_RELAY_LIMITS,
  RELAY_LIMIT_BOUNDS,
  type NatTraversal,
  type RelayServerLimits,
} from './nat'
export {
  DeadlineError,
  KEEPALIVE_MS,
  STREAM_DEADLINES,
  withDeadline,
  type StreamDeadlines,
} from './stream-deadlines'
export { PeerBudget } from './peer-budget'
