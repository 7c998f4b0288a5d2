/**
 * Probing: dial a peer and ask which network it is on, without letting it count as a member yet.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { exchangeHello, type Welcome } from './membership-protocol'
import { byPeer, dialBest } from './dial'

export type ProbeResult =
  /** At least one peer is on the wanted network; its connections are open and returned. */
  | { kind: 'joined'; welcome: Welcome; connections: Connection[] }
  /** Peers answered, but none is on the wanted network. Connections are returned for the caller to close. */
  | { kind: 'wrong-network'; welcome: Welcome; connections: Connection[] }
  | { kind: 'unreachable'; reasons: string[] }

export const PROBE_TIMEOUT_MS = 10_000

/**
 * Dials every address at once (a peer's several addresses, or several peers), says we want `networkId`,
 * and sorts the answers. `probing` marks the peers in flight so the membership check leaves them alone.
 */
export async function probeForNetwork(
  libp2p: Libp2p,
  addresses: Multiaddr[],
  networkId: string,
  probing: Set<string>,
): Promise<ProbeResult> {
  const peers = [...new Set(addresses.map((a) => a.getComponents().at(-1)?.value ?? ''))].filter(
    (p) => p !== '',
  )
  const marked = peers.filter((p) => !probing.has(p))
  for (const peer of marked) probing.add(peer)
  try {
    // One dial per peer (its addresses raced, IPv6 first); several peers at once.
    const groups = [...byPeer(addresses).values()]
    const outcomes = await Promise.allSettled(
      groups.map(async (peerAddresses) => {
        const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
        const connection = await dialBest(libp2p, peerAddresses, signal)
        return { connection, welcome: await exchangeHello(connection, networkId, signal) }
      }),
    )
    const answered = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
    const reasons = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [`${groups[i]?.[0]?.toString()}: ${(o.reason as Error).message}`] : [],
    )
    const matching = answered.filter((a) => a.welcome.networkId === networkId)
    const first = matching[0] ?? answered[0]
    if (first == null) return { kind: 'unreachable', reasons: reasons.slice(0, 3) }
    const connections = [...new Set(answered.map((a) => a.connection))]
    if (matching.length > 0) {
      // Peers that answered for another network are not kept.
      for (const other of answered)
        if (other.welcome.networkId !== networkId) await other.connection.close().catch(() => {})
      return {
        kind: 'joined',
        welcome: first.welcome,
        connections: [...new Set(matching.map((m) => m.connection))],
      }
    }
    return { kind: 'wrong-network', welcome: first.welcome, connections }
  } finally {
    for (const peer of marked) probing.delete(peer)
  }
}
