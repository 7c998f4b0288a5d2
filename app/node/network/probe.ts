/**
 * Probing: dial a peer and say hello (./membership-protocol.ts), without letting it count as a member yet.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { exchangeHello, type Answer, type Hello } from './membership-protocol'
import { dialBest } from './dial'

export type ProbeResult =
  /** The peer answered (welcome or refusal); its connection is open and returned for the caller to keep or close. */
  { kind: 'answered'; answer: Answer; connection: Connection } | { kind: 'unreachable'; reason: string }

export const PROBE_TIMEOUT_MS = 10_000

/**
 * Dials one peer by its addresses (raced, IPv6 first) and says `hello`. `probing` marks the peer while in
 * flight, so that the membership check on new connections leaves it alone.
 */
export async function probePeer(
  libp2p: Libp2p,
  peer: string,
  addresses: Multiaddr[],
  hello: Hello,
  probing: Set<string>,
): Promise<ProbeResult> {
  const marked = !probing.has(peer)
  if (marked) probing.add(peer)
  try {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS)
    let connection: Connection
    try {
      connection = await dialBest(libp2p, addresses, signal)
    } catch (err) {
      return { kind: 'unreachable', reason: `${addresses[0]?.toString()}: ${(err as Error).message}` }
    }
    try {
      return { kind: 'answered', answer: await exchangeHello(connection, hello, signal), connection }
    } catch (err) {
      return { kind: 'unreachable', reason: `${peer} did not answer: ${(err as Error).message}` }
    }
  } finally {
    if (marked) probing.delete(peer)
  }
}
