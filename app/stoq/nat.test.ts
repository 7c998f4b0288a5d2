import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { serviceDependencies } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { createLibp2p } from 'libp2p'
import {
  DEFAULT_RELAY_LIMITS,
  NatConfigError,
  RELAY_LIMIT_BOUNDS,
  natTraversal,
  relayListenAddresses,
  relayServerLimits,
} from './nat'
import { stoqTransportProfile } from './stoq-profile'

/** Builds the UPnP service with stand-in components (it touches no network until started). */
async function upnpDependencies(nat: ReturnType<typeof natTraversal>): Promise<string[]> {
  const factory = nat.services.upnpNAT as unknown as (components: unknown) => Record<symbol, string[]>
  const service = factory({
    peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')),
    nodeInfo: { name: 'test', version: '0' },
    logger: defaultLogger(),
    addressManager: {},
    events: new EventTarget(),
  })
  return service[serviceDependencies] ?? []
}

describe('natTraversal', () => {
  it('by default: a relay client with one reservation, DCUtR, AutoNAT and UPnP; no relay server', () => {
    const nat = natTraversal({ loopbackOnly: false })
    expect(nat.transports).toHaveLength(1)
    expect(nat.listenAddresses).toEqual(['/p2p-circuit'])
    expect(Object.keys(nat.services).sort()).toEqual(['autoNAT', 'dcutr', 'upnpNAT'])
    expect(nat.settings).toEqual({
      relayServer: null,
      relayReservations: 1,
      upnp: true,
      autoNAT: true,
      dcutr: true,
    })
  })

  it('turns UPnP off for a loopback-only node, even when asked for it', () => {
    for (const upnp of [undefined, true, { gateways: ['http://192.168.1.1:5000/rootDesc.xml'] }]) {
      const nat = natTraversal({ loopbackOnly: true, upnp })
      expect(nat.services.upnpNAT).toBeUndefined()
      expect(nat.settings.upnp).toBe(false)
    }
  })

  it('leaves out each part that is turned off', () => {
    const nat = natTraversal({
      loopbackOnly: false,
      upnp: false,
      autoNAT: false,
      dcutr: false,
      relayReservations: 0,
    })
    expect(nat.services).toEqual({})
    expect(nat.listenAddresses).toEqual([])
    // The relay transport stays: without it the node could not even dial a relayed address.
    expect(nat.transports).toHaveLength(1)
  })

  it('serves as a relay with the default limits, or with the limits given (the rest defaulted)', () => {
    expect(natTraversal({ loopbackOnly: false, relayServer: true }).settings.relayServer).toEqual(
      DEFAULT_RELAY_LIMITS,
    )
    const nat = natTraversal({
      loopbackOnly: false,
      relayServer: { maxReservations: 64, dataLimitBytes: 4 << 20 },
    })
    expect(nat.services.relay).toBeTypeOf('function')
    expect(nat.settings.relayServer).toEqual({
      ...DEFAULT_RELAY_LIMITS,
      maxReservations: 64,
      dataLimitBytes: 4 << 20,
    })
    expect(natTraversal({ loopbackOnly: false, relayServer: false }).services.relay).toBeUndefined()
  })

  it('refuses relay limits out of bounds, naming the limit', () => {
    const bad: Array<[keyof typeof RELAY_LIMIT_BOUNDS, number]> = [
      ['maxReservations', 0],
      ['maxReservations', 1.5],
      ['maxReservations', 10_001],
      ['dataLimitBytes', 16 * 1024], // a relayed STOQ handshake and identify alone take about 20 KiB
      ['dataLimitBytes', Number.NaN],
      ['durationLimitMs', 1_000],
      ['durationLimitMs', Number.POSITIVE_INFINITY],
      ['reservationTtlMs', -1],
      ['reservationTtlMs', 48 * 3_600_000],
    ]
    for (const [key, value] of bad) {
      expect(() => relayServerLimits({ [key]: value })).toThrow(NatConfigError)
      expect(() => natTraversal({ loopbackOnly: false, relayServer: { [key]: value } })).toThrow(
        new RegExp(`relay limit ${key} must be an integer from`),
      )
    }
    for (const [key, [min, max]] of Object.entries(RELAY_LIMIT_BOUNDS)) {
      expect(relayServerLimits({ [key]: min })[key as keyof typeof RELAY_LIMIT_BOUNDS]).toBe(min)
      expect(relayServerLimits({ [key]: max })[key as keyof typeof RELAY_LIMIT_BOUNDS]).toBe(max)
    }
  })

  it('makes one /p2p-circuit listen address per reservation, and refuses impossible counts', () => {
    expect(relayListenAddresses(0)).toEqual([])
    expect(relayListenAddresses(3)).toEqual(['/p2p-circuit', '/p2p-circuit', '/p2p-circuit'])
    for (const n of [-1, 1.5, 17]) {
      expect(() => relayListenAddresses(n)).toThrow(NatConfigError)
      expect(() => natTraversal({ loopbackOnly: false, relayReservations: n })).toThrow(/relayReservations/)
    }
  })

  it('UPnP waits for AutoNAT to confirm a mapping, and trusts the router only when AutoNAT is off', async () => {
    expect(await upnpDependencies(natTraversal({ loopbackOnly: false }))).toEqual(['@libp2p/autonat'])
    // Otherwise libp2p would refuse to start: UPnP would depend on a service that is not there.
    expect(await upnpDependencies(natTraversal({ loopbackOnly: false, autoNAT: false }))).toEqual([])
  })

  it('starts in a STOQ node on loopback with every part on', async () => {
    const profile = stoqTransportProfile({ falcon: falcon1024.keygen() })
    const base = profile.libp2pOptions()
    const nat = natTraversal({ loopbackOnly: true, relayServer: true })
    const node = await createLibp2p({
      ...base,
      transports: [...(base.transports ?? []), ...nat.transports],
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0', ...nat.listenAddresses] },
      services: { identify: identify(), ...nat.services },
    })
    try {
      expect(Object.keys(node.services).sort()).toEqual(['autoNAT', 'dcutr', 'identify', 'relay'])
      expect(node.getProtocols()).toEqual(
        expect.arrayContaining(['/libp2p/circuit/relay/0.2.0/hop', '/libp2p/dcutr']),
      )
    } finally {
      await node.stop()
    }
  })
})
