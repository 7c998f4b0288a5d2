/**
 * Connection limits that libp2p's connection manager does not have, as a libp2p ConnectionGater:
 * - pending (not yet upgraded) inbound connections per remote host, so one host that opens connections
 *   and never finishes the handshake (a half-open flood) cannot take every upgrade slot from honest peers;
 * - connections per peer id, so one peer cannot hold many connections to us.
 * The connection manager's own limits (total connections, pending upgrades in total, new connections per
 * host per second, upgrade timeout) are set beside this in the node's config.
 */
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'

export interface ConnectionLimits {
  /** Inbound connections one host may have in the handshake at once. */
  maxPendingPerHost: number
  /** Open connections one peer may have with us, both directions. */
  maxConnectionsPerPeer: number
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxPendingPerHost: 8, maxConnectionsPerPeer: 4 }

export interface ConnectionLimiter extends ConnectionGater {
  /** Pending inbound connections per host now (for metrics and tests). */
  pendingByHost(): Map<string, number>
  /** Connections refused so far, by reason. */
  refused(): Record<'pending-per-host' | 'per-peer', number>
}

const hostOf = (maConn: MultiaddrConnection): string => {
  const host = maConn.remoteAddr.getComponents()[0]
  return host?.value ?? 'unknown'
}

/** `openConnections(peer)` counts the peer's open connections (the node passes libp2p.getConnections). */
export function createConnectionLimiter(
  limits: ConnectionLimits,
  openConnections: (peer: PeerId) => number,
): ConnectionLimiter {
  const pending = new Map<string, number>()
  const counted = new WeakSet<MultiaddrConnection>()
  const refusals = { 'pending-per-host': 0, 'per-peer': 0 }

  const release = (maConn: MultiaddrConnection): void => {
    if (!counted.has(maConn)) return
    counted.delete(maConn)
    const host = hostOf(maConn)
    const left = (pending.get(host) ?? 1) - 1
    if (left <= 0) pending.delete(host)
    else pending.set(host, left)
  }

  return {
    denyInboundConnection(maConn) {
      const host = hostOf(maConn)
      const now = pending.get(host) ?? 0
      if (now >= limits.maxPendingPerHost) {
        refusals['pending-per-host']++
        return true
      }
      pending.set(host, now + 1)
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
      if (openConnections(peer) >= limits.maxConnectionsPerPeer) {
        refusals['per-peer']++
        return true
      }
      return false
    },
    denyOutboundUpgradedConnection(peer) {
      if (openConnections(peer) >= limits.maxConnectionsPerPeer) {
        refusals['per-peer']++
        return true
      }
      return false
    },
    pendingByHost: () => new Map(pending),
    refused: () => ({ ...refusals }),
  }
}
