/**
 * Connection limits that libp2p's connection manager does not have, as a libp2p ConnectionGater:
 * - pending (not yet upgraded) inbound connections per remote host and per remote network (IPv4 /24,
 *   IPv6 /64: ./network-prefix.ts), so that hosts which open connections and never finish the handshake
 *   (a half-open flood) cannot take every upgrade slot from honest peers, however many addresses they have;
 * - new inbound handshakes per network per second, and from all hosts together (./handshake-budget.ts):
 *   each one costs the node an ML-KEM encapsulation and X25519 work before the caller has proved anything;
 * - connections per peer id, so one peer cannot hold many connections to us.
 * The connection manager's own limits (total connections, pending upgrades in total, new connections per
 * host per second, upgrade timeout) are set beside this in the node's config. Checks run cheapest first.
 */
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import { HandshakeBudget } from './handshake-budget'
import { networkOf } from './network-prefix'

export interface ConnectionLimits {
  /** Inbound connections one host may have in the handshake at once. */
  maxPendingPerHost: number
  /** …and one network (IPv4 /24, IPv6 /64). */
  maxPendingPerNetwork: number
  /** New inbound connections one network may open per second. */
  inboundPerNetworkPerSecond: number
  /** New inbound handshakes per second from all hosts together (the global handshake budget). */
  inboundHandshakesPerSecond: number
  /** Open connections one peer may have with us, both directions. */
  maxConnectionsPerPeer: number
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxPendingPerHost: 8,
  maxPendingPerNetwork: 32,
  inboundPerNetworkPerSecond: 20,
  inboundHandshakesPerSecond: 100,
  maxConnectionsPerPeer: 4,
}

export type RefusalReason =
  'pending-per-host' | 'pending-per-network' | 'network-rate' | 'global-budget' | 'per-peer'

export interface ConnectionLimiter extends ConnectionGater {
  /** Pending inbound connections per host now (for metrics and tests). */
  pendingByHost(): Map<string, number>
  /** …and per network. */
  pendingByNetwork(): Map<string, number>
  /** Connections refused so far, by reason. */
  refused(): Record<RefusalReason, number>
}

const remoteOf = (maConn: MultiaddrConnection): { host: string; network: string } => {
  const first = maConn.remoteAddr.getComponents()[0]
  const host = first?.value ?? 'unknown'
  return { host, network: networkOf(first?.name ?? 'unknown', host) }
}

/** Counts per key, forgetting a key at zero. */
function counter(): {
  get(key: string): number
  add(key: string, n: number): void
  all: Map<string, number>
} {
  const all = new Map<string, number>()
  return {
    all,
    get: (key) => all.get(key) ?? 0,
    add(key, n) {
      const next = (all.get(key) ?? 0) + n
      if (next <= 0) all.delete(key)
      else all.set(key, next)
    },
  }
}

/**
 * `openConnections(peer)` counts the peer's open connections (the node passes libp2p.getConnections).
 * Limits not given take {@link DEFAULT_CONNECTION_LIMITS}; `now` is for tests.
 */
export function createConnectionLimiter(
  given: Partial<ConnectionLimits>,
  openConnections: (peer: PeerId) => number,
  now?: () => number,
): ConnectionLimiter {
  const limits = { ...DEFAULT_CONNECTION_LIMITS }
  for (const [key, value] of Object.entries(given) as Array<[keyof ConnectionLimits, number | undefined]>)
    if (value != null) limits[key] = value
  const budget = new HandshakeBudget(
    {
      perNetworkPerSecond: limits.inboundPerNetworkPerSecond,
      globalPerSecond: limits.inboundHandshakesPerSecond,
    },
    now,
  )
  const hosts = counter()
  const networks = counter()
  const counted = new WeakSet<MultiaddrConnection>()
  const refusals: Record<RefusalReason, number> = {
    'pending-per-host': 0,
    'pending-per-network': 0,
    'network-rate': 0,
    'global-budget': 0,
    'per-peer': 0,
  }
  const refuse = (reason: RefusalReason): true => {
    refusals[reason]++
    return true
  }

  const release = (maConn: MultiaddrConnection): void => {
    if (!counted.has(maConn)) return
    counted.delete(maConn)
    const { host, network } = remoteOf(maConn)
    hosts.add(host, -1)
    networks.add(network, -1)
  }

  return {
    denyInboundConnection(maConn) {
      const { host, network } = remoteOf(maConn)
      if (hosts.get(host) >= limits.maxPendingPerHost) return refuse('pending-per-host')
      if (networks.get(network) >= limits.maxPendingPerNetwork) return refuse('pending-per-network')
      const overBudget = budget.admit(network)
      if (overBudget != null) return refuse(overBudget)
      hosts.add(host, 1)
      networks.add(network, 1)
      counted.add(maConn)
      // However the upgrade ends (done, refused, timed out, reset), the slot is given back.
      maConn.addEventListener('close', () => release(maConn), { once: true })
      return false
    },
    denyInboundEncryptedConnection(_peer, maConn) {
      release(maConn) // the handshake is over: no longer half-open
      return false
    },
    denyInboundUpgradedConnection(peer, maConn) {
      release(maConn)
      return openConnections(peer) >= limits.maxConnectionsPerPeer ? refuse('per-peer') : false
    },
    denyOutboundUpgradedConnection(peer) {
      return openConnections(peer) >= limits.maxConnectionsPerPeer ? refuse('per-peer') : false
    },
    pendingByHost: () => new Map(hosts.all),
    pendingByNetwork: () => new Map(networks.all),
    refused: () => ({ ...refusals }),
  }
}
