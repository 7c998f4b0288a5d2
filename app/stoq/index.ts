/**
 * STOQ: the transport under every HyperMesh connection.
 *
 * A {@link TransportProfile} says which libp2p transports, connection encrypters and stream muxers a node
 * uses, and where it listens. The node takes one profile; the post-quantum STOQ profile (hybrid X25519 +
 * ML-KEM handshake, QUIC, NAT traversal, adaptive tiers) is its own issue and will be another profile.
 * Today the node ships {@link classicTransportProfile}: TCP and WebSockets with Noise (X25519, classical,
 * not post-quantum) and yamux — exactly what js-libp2p gives, and said so.
 *
 * @example
 * ```ts
 * const profile = classicTransportProfile()
 * const libp2p = await createLibp2p({ ...profile.libp2pOptions(), addresses: { listen: profile.listenAddresses(opts) } })
 * ```
 */
export { classicTransportProfile } from './classic'
export type { TransportProfile, ListenOptions, TransportComponents } from './profile'
