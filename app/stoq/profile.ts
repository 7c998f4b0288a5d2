import type { Libp2pOptions } from 'libp2p'

export interface ListenOptions {
  /** Listen on loopback only (127.0.0.1, ::1), for tests and local-only nodes. */
  loopbackOnly: boolean
  /** Also listen on IPv6. */
  ipv6: boolean
  tcpPort: number
  wsPort: number
  /** UDP port for QUIC, where the profile has QUIC. */
  quicPort?: number
  /** UDP port for WebRTC Direct (browser peers), where the profile has it. */
  webrtcPort?: number
}

export type TransportComponents = Pick<Libp2pOptions, 'transports' | 'connectionEncrypters' | 'streamMuxers'>

export interface TransportProfile {
  /** Shown in logs and status: which security the connections of this profile have. */
  readonly name: string
  readonly postQuantum: boolean
  libp2pOptions(): TransportComponents
  /** Listen multiaddrs, IPv6 first where enabled. */
  listenAddresses(options: ListenOptions): string[]
}
