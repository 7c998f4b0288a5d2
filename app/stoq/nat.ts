/**
 * NAT traversal for STOQ nodes: circuit relay v2 (reach a peer behind a NAT through a relay), DCUtR (then
 * replace the relayed connection by a direct one), AutoNAT v2 (learn which of our addresses others can
 * dial) and UPnP (ask the home router to forward our port).
 *
 * A relayed connection is upgraded like any other, with the node's connection encrypters, so it is STOQ end
 * to end: the relay forwards ciphertext it cannot read.
 *
 * What DCUtR can do over TCP (test/nat-traversal.test.ts shows both cases): the relayed connection's inbound
 * side dials the other side's verified public addresses (a public IP, or a port mapped by UPnP and checked by
 * AutoNAT). Two peers that are both behind plain NATs stay relayed, within the relay's limits: Node cannot
 * dial from its listening port, so there is no TCP hole to punch (see js-libp2p#2620).
 *
 * @example
 * ```ts
 * const nat = natTraversal({ loopbackOnly: false, relayServer: { maxReservations: 32 } })
 * const base = profile.libp2pOptions()
 * const libp2p = await createLibp2p({
 *   ...base,
 *   transports: [...(base.transports ?? []), ...nat.transports],
 *   addresses: { listen: [...profile.listenAddresses(opts), ...nat.listenAddresses] },
 *   services: { identify: identify(), ping: ping(), ...nat.services },
 * })
 * ```
 */
import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { uPnPNAT, type UPnPNAT } from '@libp2p/upnp-nat'
import type { Libp2pOptions, ServiceFactoryMap } from 'libp2p'

/** What a relay serves. A relayed STOQ connection spends ~20 KiB on its handshake, identify and DCUtR. */
export interface RelayServerLimits {
  /** How many peers may hold a reservation (a relayed address) on this node at once. */
  maxReservations: number
  /** Bytes one relayed connection may carry, both directions together, before the relay resets it. */
  dataLimitBytes: number
  /** How long one relayed connection may stay open, in ms. */
  durationLimitMs: number
  /** How long a reservation lasts before the peer must renew it, in ms. */
  reservationTtlMs: number
}

export const DEFAULT_RELAY_LIMITS: Readonly<RelayServerLimits> = {
  maxReservations: 15,
  dataLimitBytes: 1024 * 1024,
  durationLimitMs: 2 * 60_000,
  reservationTtlMs: 60 * 60_000,
}

/** Bounds for each limit: below a minimum, a relayed STOQ handshake and DCUtR may not finish. */
export const RELAY_LIMIT_BOUNDS: Readonly<Record<keyof RelayServerLimits, readonly [number, number]>> = {
  maxReservations: [1, 10_000],
  dataLimitBytes: [64 * 1024, 1024 ** 3],
  durationLimitMs: [10_000, 24 * 3_600_000],
  reservationTtlMs: [60_000, 24 * 3_600_000],
}

export interface NatTraversalInit {
  /** The node listens on loopback only: there is no router to ask, so UPnP is off whatever `upnp` says. */
  loopbackOnly: boolean
  /** Serve as a circuit relay v2 for other peers: false (default), true (default limits), or limits. */
  relayServer?: boolean | Partial<RelayServerLimits>
  /** Hold a reservation on this many relays, so peers can reach us through them (default 1; 0 for none). */
  relayReservations?: number
  /** Ask the router to forward our TCP port by UPnP IGD (default true); `gateways`: its descriptor URLs. */
  upnp?: boolean | { gateways: string[] }
  /** AutoNAT v2: peers dial our addresses back, so only addresses that work are announced (default true). */
  autoNAT?: boolean
  /** DCUtR: replace a relayed connection by a direct one where the NATs allow (default true). */
  dcutr?: boolean
}

/** The services this module adds; each is absent when turned off. */
export type NatServices = {
  relay?: CircuitRelayService
  dcutr?: unknown
  autoNAT?: unknown
  upnpNAT?: UPnPNAT
}

export interface NatTraversal {
  /** The circuit relay transport: dials `/p2p-circuit` addresses and listens on relays. */
  transports: NonNullable<Libp2pOptions['transports']>
  services: ServiceFactoryMap<NatServices>
  /** Add these to the node's listen addresses: each `/p2p-circuit` makes one reservation on a relay. */
  listenAddresses: string[]
  /** What is on, for logs and status. */
  settings: {
    relayServer: RelayServerLimits | null
    relayReservations: number
    upnp: boolean
    autoNAT: boolean
    dcutr: boolean
  }
}

export class NatConfigError extends Error {
  override name = 'NatConfigError'
}

/** The full limits for a relay server, or a NatConfigError naming the limit that is out of bounds. */
export function relayServerLimits(limits: Partial<RelayServerLimits> = {}): RelayServerLimits {
  const out = { ...DEFAULT_RELAY_LIMITS, ...limits }
  for (const [key, [min, max]] of Object.entries(RELAY_LIMIT_BOUNDS)) {
    const value = out[key as keyof RelayServerLimits]
    if (!Number.isInteger(value) || value < min || value > max)
      throw new NatConfigError(`relay limit ${key} must be an integer from ${min} to ${max}, not ${value}`)
  }
  return out
}

/** One `/p2p-circuit` listen address per relay to hold a reservation on. */
export function relayListenAddresses(reservations: number): string[] {
  if (!Number.isInteger(reservations) || reservations < 0 || reservations > 16)
    throw new NatConfigError(`relayReservations must be an integer from 0 to 16, not ${reservations}`)
  return Array.from({ length: reservations }, () => '/p2p-circuit')
}

/** The transports, services and listen addresses that give a node NAT traversal. */
export function natTraversal(init: NatTraversalInit): NatTraversal {
  const relay = init.relayServer == null || init.relayServer === false ? null : init.relayServer
  const limits = relay == null ? null : relayServerLimits(relay === true ? {} : relay)
  const listenAddresses = relayListenAddresses(init.relayReservations ?? 1)
  const autoNAT = init.autoNAT ?? true
  const useDcutr = init.dcutr ?? true
  // UPnP maps the port of a LAN IPv4 listener; a loopback-only node has none.
  const upnp = init.loopbackOnly ? false : (init.upnp ?? true)
  const services: ServiceFactoryMap<NatServices> = {}
  if (limits != null) {
    const { maxReservations, reservationTtlMs, dataLimitBytes, durationLimitMs } = limits
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations,
        reservationTtl: reservationTtlMs,
        // Every relayed connection gets these limits (the relay enforces them; the duration is in ms).
        applyDefaultLimit: true,
        defaultDataLimit: BigInt(dataLimitBytes),
        defaultDurationLimit: durationLimitMs,
      },
    })
  }
  if (useDcutr) services.dcutr = dcutr()
  if (autoNAT) services.autoNAT = autoNATv2()
  if (upnp !== false) {
    services.upnpNAT = uPnPNAT({
      ...(upnp === true ? {} : { gateways: upnp.gateways }),
      // Without AutoNAT nothing can check the mapping, so the router's word is taken for it.
      autoConfirmAddress: !autoNAT,
    })
  }
  return {
    transports: [circuitRelayTransport()],
    services,
    listenAddresses,
    settings: {
      relayServer: limits,
      relayReservations: listenAddresses.length,
      upnp: upnp !== false,
      autoNAT,
      dcutr: useDcutr,
    },
  }
}
