/**
 * How a holder reaches an asset's owner: over a connection it already has, else directly, else through a
 * relay the owner holds a reservation on, the relay with the most stake on the ledger first. Stake is what
 * a relay loses if it is caught misbehaving, and a staked relay has a record on the ledger; an unstaked
 * relay is tried last. A relayed connection is STOQ end to end, so the relay carries ciphertext only.
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { LedgerState } from '../../consensus'

const CIRCUIT = '/p2p-circuit'

/** The relay's peer id in a relayed address (`…/p2p/RELAY/p2p-circuit/p2p/TARGET`), or null. */
export function relayOf(address: Multiaddr): string | null {
  const text = address.toString()
  const at = text.indexOf(CIRCUIT)
  if (at < 0) return null
  return /\/p2p\/([^/]+)$/.exec(text.slice(0, at))?.[1] ?? null
}

/** Whether a connection runs through a relay (a limited circuit relay v2 connection). */
export const isRelayed = (connection: Pick<Connection, 'limits' | 'remoteAddr'>): boolean =>
  connection.limits != null || connection.remoteAddr.toString().includes(CIRCUIT)

/** Relayed addresses, the one through the relay with the most stake first; equal stakes keep their order. */
export function rankByRelayStake(
  addresses: readonly Multiaddr[],
  stakeOf: (peer: string) => bigint,
): Multiaddr[] {
  const stake = (a: Multiaddr): bigint => {
    const relay = relayOf(a)
    return relay == null ? 0n : stakeOf(relay)
  }
  return addresses
    .map((address, index) => ({ address, index, stake: stake(address) }))
    .sort((a, b) => (a.stake === b.stake ? a.index - b.index : a.stake > b.stake ? -1 : 1))
    .map((entry) => entry.address)
}

/**
 * The bonded stake behind each peer on the ledger: a validator's, and an asset owner's for the peer that
 * serves its assets (the larger where a peer is both).
 */
export function peerStakes(
  state: Pick<LedgerState, 'validators' | 'assets' | 'accounts'>,
): Map<string, bigint> {
  const stakes = new Map<string, bigint>()
  const add = (peer: string, address: string): void => {
    const bonded = state.accounts.get(address)?.bonded ?? 0n
    if (bonded > (stakes.get(peer) ?? 0n)) stakes.set(peer, bonded)
  }
  for (const v of state.validators.values()) if (v.active) add(v.peerId, v.address)
  for (const asset of state.assets.values()) add(asset.peerId, asset.owner)
  return stakes
}

export interface ReachOptions {
  /** Addresses of the owner known besides the peer store's (e.g. given with a lease). */
  addresses?: readonly Multiaddr[]
  stakeOf(peer: string): bigint
  directTimeoutMs?: number
  relayTimeoutMs?: number
}

/** A connection to `peer`: an open one (direct preferred), a new direct one, or one through the best relay. */
export async function reachPeer(libp2p: Libp2p, peer: PeerId, options: ReachOptions): Promise<Connection> {
  const open = libp2p.getConnections(peer).filter((c) => c.status === 'open')
  const best = open.find((c) => c.limits == null) ?? open[0]
  if (best != null) return best
  const known = await knownAddresses(libp2p, peer, options.addresses ?? [])
  const direct = known.filter((a) => relayOf(a) == null && !a.toString().includes(CIRCUIT))
  const relayed = rankByRelayStake(
    known.filter((a) => relayOf(a) != null),
    options.stakeOf,
  )
  const failures: string[] = []
  const attempt = async (
    target: Multiaddr | Multiaddr[] | PeerId,
    ms: number,
  ): Promise<Connection | null> => {
    try {
      return await libp2p.dial(target, { signal: AbortSignal.timeout(ms) })
    } catch (err) {
      failures.push((err as Error).message)
      return null
    }
  }
  if (direct.length > 0) {
    const connection = await attempt(direct, options.directTimeoutMs ?? 5_000)
    if (connection != null) return connection
  }
  for (const address of relayed) {
    const connection = await attempt(address, options.relayTimeoutMs ?? 15_000)
    if (connection != null) return connection
  }
  if (direct.length === 0 && relayed.length === 0) {
    // Nothing known: let libp2p find the peer (peer routing), as any dial would.
    const connection = await attempt(peer, options.relayTimeoutMs ?? 15_000)
    if (connection != null) return connection
  }
  throw new Error(failures.length > 0 ? failures.join('; ') : `no address is known for ${peer.toString()}`)
}

/** Every address known for `peer`, each ending in its /p2p/ id, without repeats. */
async function knownAddresses(
  libp2p: Libp2p,
  peer: PeerId,
  given: readonly Multiaddr[],
): Promise<Multiaddr[]> {
  const stored = await libp2p.peerStore
    .get(peer)
    .then((p) => p.addresses.map((a) => a.multiaddr))
    .catch(() => [])
  const suffix = `/p2p/${peer.toString()}`
  const seen = new Set<string>()
  const out: Multiaddr[] = []
  for (const address of [...given, ...stored]) {
    const text = address.toString().endsWith(suffix) ? address.toString() : `${address.toString()}${suffix}`
    if (seen.has(text)) continue
    seen.add(text)
    out.push(multiaddr(text))
  }
  return out
}
