/**
 * How the node dials a peer it knows addresses for: Happy Eyeballs picks the address (IPv6 first, IPv4
 * 250 ms later or at once if IPv6 fails), then libp2p dials the addresses in that order until one works.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { raceAddresses } from '../../stoq'

export async function dialBest(
  libp2p: Libp2p,
  addresses: Multiaddr[],
  signal: AbortSignal,
): Promise<Connection> {
  const ordered = await raceAddresses(addresses, { signal })
  let lastError: unknown = new Error('no address to dial')
  for (const address of ordered) {
    if (signal.aborted) break
    try {
      return await libp2p.dial(address, { signal })
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}

/** Groups addresses by the peer id they end in (/p2p/<id>). */
export function byPeer(addresses: Multiaddr[]): Map<string, Multiaddr[]> {
  const groups = new Map<string, Multiaddr[]>()
  for (const address of addresses) {
    const peer = address.getComponents().at(-1)?.value ?? ''
    if (peer === '') continue
    groups.set(peer, [...(groups.get(peer) ?? []), address])
  }
  return groups
}
