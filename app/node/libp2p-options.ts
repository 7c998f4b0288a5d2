/**
 * The libp2p node's options, from the node's config: transport profile (STOQ), listen addresses, discovery,
 * NAT traversal, connection limits. Kept apart from node.ts so the composition root reads in one screen.
 */
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { mdns } from '@libp2p/mdns'
import { FaultTolerance, type ConnectionGater, type PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'
import {
  CONNECTION_MONITOR,
  natTraversal,
  PING_STREAM_LIMITS,
  type ListenOptions,
  type NatTraversal,
  type TransportProfile,
} from '../stoq'
import type { NodeConfig } from './config'

export interface Libp2pOptionsInit {
  privateKey: PrivateKey
  config: NodeConfig
  profile: TransportProfile
  /** Listen settings with ports already chosen (a busy configured port replaced by 0). */
  listen: ListenOptions
  connectionGater: ConnectionGater
}

export function buildLibp2pOptions(init: Libp2pOptionsInit): {
  options: Libp2pOptions
  nat: NatTraversal['settings']
} {
  const { config, profile, listen } = init
  const nat = natTraversal({
    loopbackOnly: listen.loopbackOnly,
    relayServer: config.nat.relayServer ? config.nat.relayLimits : false,
    relayReservations: config.nat.relayReservations,
    upnp: config.nat.upnp,
    autoNAT: config.nat.autoNAT,
    dcutr: config.nat.dcutr,
  })
  const base = profile.libp2pOptions()
  return {
    nat: nat.settings,
    options: {
      privateKey: init.privateKey,
      addresses: { listen: [...profile.listenAddresses(listen), ...nat.listenAddresses] },
      ...base,
      transports: [...(base.transports ?? []), ...nat.transports],
      peerDiscovery: config.discovery.mdns ? [mdns({ serviceTag: 'hypermesh' })] : [],
      services: { identify: identify(), ping: ping(PING_STREAM_LIMITS), ...nat.services },
      connectionManager: {
        maxConnections: config.connections.maxConnections,
        maxIncomingPendingConnections: config.connections.maxIncomingPendingConnections,
        inboundConnectionThreshold: config.connections.inboundConnectionsPerHostPerSecond,
        inboundUpgradeTimeout: config.connections.inboundUpgradeTimeoutMs,
        maxPeerAddrsToDial: config.connections.maxPeerAddrsToDial,
      },
      connectionGater: init.connectionGater,
      connectionMonitor: CONNECTION_MONITOR,
      // A machine without IPv6 (or with a port taken) still starts on what it can listen on.
      transportManager: { faultTolerance: FaultTolerance.NO_FATAL },
      start: false,
    },
  }
}
