/**
 * NAT traversal over STOQ, for real: three libp2p nodes in network namespaces, two of them behind Linux
 * MASQUERADE routers (test/support/nat-topology.ts). A reaches B through relay R, STOQ end to end; B uses A's
 * leased memory through R as a node does when there is no direct path; then, with
 * a UPnP port mapping on A's router, DCUtR replaces the relayed connection by a direct one, and we check
 * which path carried the data with the relay's own packet counters.
 *
 * The WAN must look like the internet: libp2p treats all of 10.0.0.0/8 as private, and then it will not
 * hole punch, verify or map it. So the runner runs with 10.231.100.0/24 counted as public (a module hook,
 * `WAN_IS_PUBLIC_HOOKS` below, that the runner confirms at start). Nothing else of libp2p is changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { STOQ_PROTOCOL } from '../app/stoq'
import { waitFor } from './support/daemon'
import { bundleRunner, startChild, type BundledRunner, type Child, type Event } from './support/child'
import {
  createNatTopology,
  natTopologyUnavailableReason,
  type NatHost,
  type NatTopology,
} from './support/nat-topology'
import type { ConnectionInfo, PeerConfig } from './support/nat-peer'

const unavailable = natTopologyUnavailableReason()
if (unavailable != null) console.warn(`NAT traversal test NOT RUN: ${unavailable}`)

const KiB = 1024
const RELAY_PORT = 4001

/** What the runner's `send` answers: whether the receiver's SHA-256 matched, and the connection used. */
interface Sent {
  intact: boolean
  connection: ConnectionInfo
}

/**
 * Loaded into the runner only (`node --import`): the test WAN, 10.231.100.0/24, counts as public address
 * space, as the internet it stands for would. It patches one function of @libp2p/utils and fails loudly if
 * that function changed.
 */
const WAN_IS_PUBLIC_HOOKS = `
const HOOK = 'function ipv4Check(ipAddr) {'
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context)
  if (!url.endsWith('/@libp2p/utils/dist/src/private-ip.js')) return result
  const source = String(result.source)
  if (!source.includes(HOOK)) throw new Error(url + ' changed: cannot mark the test WAN public')
  return { ...result, source: source.replace(HOOK, HOOK + " if (ipAddr.startsWith('10.231.100.')) return false;") }
}`

interface Peer extends Child {
  readonly peerId: string
  readonly addresses: string[]
}

const isReady = (e: Event): boolean => e.event === 'ready'

async function startPeer(runner: BundledRunner, host: NatHost, config: PeerConfig, env = {}): Promise<Peer> {
  const child = startChild(runner, host.exec, config, env)
  // Generous: a FALCON-1024 key pair alone takes over a second of CPU, and a CI machine may have 2 cores.
  const ready = await child.event('a peer to start', isReady, 60_000)
  if (ready.wanIsPublic !== true) throw new Error('the runner does not treat the test WAN as public')
  return Object.assign(child, { peerId: String(ready.peerId), addresses: ready.addresses as string[] })
}

const tcpPort = (addresses: string[], ip: string): number =>
  Number(/\/tcp\/(\d+)/.exec(addresses.find((a) => a.startsWith(`/ip4/${ip}/tcp/`)) ?? '')?.[1])

describe.skipIf(unavailable != null)('NAT traversal over STOQ (namespaces, MASQUERADE routers)', () => {
  let runner: BundledRunner
  let net: NatTopology
  let relay: Peer
  let a: Peer
  let b: Peer
  let a2: Peer | undefined
  let igd: Child
  let relayAddress: string
  const children = (): Child[] => [relay, a, b, a2, igd].filter((c) => c != null)

  beforeAll(async () => {
    // The runner loads its packages from this checkout's node_modules, through the hooks above.
    runner = await bundleRunner('test/support/nat-peer.ts', WAN_IS_PUBLIC_HOOKS)
    net = createNatTopology()
    igd = startChild(runner, net.routerA.exec, {
      role: 'igd',
      lanAddress: net.routerA.lanAddress,
      wanAddress: net.routerA.wanAddress,
      wanInterface: net.routerA.wanInterface,
    })
    const gateway = String((await igd.event('the UPnP gateway to start', isReady)).gateway)
    ;[relay, a, b, a2] = await Promise.all([
      // R's WAN address is public, so it is announced only once AutoNAT confirms it: use a known port.
      startPeer(runner, net.relay, {
        role: 'peer',
        tcpPort: RELAY_PORT,
        relayServer: { maxReservations: 4, dataLimitBytes: 256 * KiB, durationLimitMs: 60_000 },
        relayReservations: 0,
      }),
      // DCUtR's log is how the test knows that it tried, and why it gave up.
      startPeer(runner, net.hostA, { role: 'peer', relayReservations: 1 }, { DEBUG: 'libp2p:dcutr*' }),
      startPeer(runner, net.hostB, { role: 'peer', relayReservations: 1 }, { DEBUG: 'libp2p:dcutr*' }),
      // A second node on host A, which asks A's router for a port mapping (UPnP) at start.
      startPeer(runner, net.hostA, { role: 'peer', relayReservations: 0, upnpGateway: gateway }),
    ])
    relayAddress = `/ip4/${net.relay.address}/tcp/${RELAY_PORT}/p2p/${relay.peerId}`
    await Promise.all([a.call('dial', { address: relayAddress }), b.call('dial', { address: relayAddress })])
    await waitFor('A and B to hold reservations on R', async () => {
      const held = await relay.call<string[]>('relayReservations')
      return held.includes(a.peerId) && held.includes(b.peerId)
    })
  })

  afterAll(async () => {
    if (process.env.HM_NAT_DEBUG != null) for (const c of children()) console.log(c.stderr)
    await Promise.all(children().map((c) => c.stop()))
    net?.remove()
    if (runner != null) rmSync(runner.dir, { recursive: true, force: true })
  })

  it('hosts behind the NATs cannot be reached from the WAN, but reach it themselves', async () => {
    const portA = tcpPort(a.addresses, net.hostA.address)
    // R knocks on A's router at A's port: nothing is mapped there, so the router itself refuses.
    expect(await relay.call('tcpConnect', { host: net.routerA.wanAddress, port: portA })).not.toBe(
      'connected',
    )
    // Even a WAN host that routes A's LAN through A's router is rejected by the router's firewall.
    execFileSync('ip', ['-n', net.relay.ns, 'route', 'add', '10.231.110.0/24', 'via', net.routerA.wanAddress])
    try {
      expect(await relay.call('tcpConnect', { host: net.hostA.address, port: portA })).not.toBe('connected')
    } finally {
      execFileSync('ip', ['-n', net.relay.ns, 'route', 'del', '10.231.110.0/24'])
    }
    expect(await a.call('tcpConnect', { host: net.relay.address, port: RELAY_PORT })).toBe('connected')
    // R sees A and B only as their routers' WAN addresses.
    const seen = (await relay.call<ConnectionInfo[]>('connections')).map((c) => [c.remotePeer, c.remoteAddr])
    expect(seen).toContainEqual([a.peerId, expect.stringMatching(`^/ip4/${net.routerA.wanAddress}/tcp/`)])
    expect(seen).toContainEqual([b.peerId, expect.stringMatching(`^/ip4/${net.routerB.wanAddress}/tcp/`)])
  })

  it('A reaches B through R: the relayed connection is limited, STOQ end to end, and R carries its bytes', async () => {
    const relayed = await a.call<ConnectionInfo>('dial', {
      address: `${relayAddress}/p2p-circuit/p2p/${b.peerId}`,
    })
    expect(relayed.remoteAddr).toContain('/p2p-circuit')
    expect(relayed.limited).toBe(true)
    expect(relayed.encryption).toBe(STOQ_PROTOCOL)
    await waitFor('B to see the relayed connection from A', async () =>
      (await b.call<ConnectionInfo[]>('connections')).some(
        (c) => c.remotePeer === a.peerId && c.limited && c.encryption === STOQ_PROTOCOL,
      ),
    )
    // The relay's counters see relayed data: 96 KiB in from A's router and out to B's.
    const before = net.relayTcpBytes()
    const sent = await a.call<Sent>('send', {
      connection: relayed.id,
      bytes: 96 * KiB,
    })
    expect(sent.intact).toBe(true)
    const after = net.relayTcpBytes()
    expect(after.received - before.received).toBeGreaterThan(96 * KiB)
    expect(after.sent - before.sent).toBeGreaterThan(96 * KiB)
  })

  it('B uses A’s leased memory through R, as a node does when the direct path is cut', async () => {
    const lease = await a.call('serveMemory', { holder: b.peerId })
    const { addresses } = await a.call<{ addresses: string[] }>('info')
    // A's own address is on its LAN, which B has no route to; its relayed address is through R.
    expect(addresses.some((x) => x.startsWith(`/ip4/${net.hostA.address}/`))).toBe(true)
    const used = await b.call<Sent>('useMemory', { owner: a.peerId, addresses, lease, bytes: 64 * KiB })
    expect(used.intact).toBe(true)
    expect(used.connection.limited).toBe(true)
    expect(used.connection.remoteAddr).toContain(`/p2p/${relay.peerId}/p2p-circuit`)
    expect(used.connection.encryption).toBe(STOQ_PROTOCOL)
  })

  it('through two plain MASQUERADE NATs, DCUtR cannot upgrade: the connection stays relayed (js-libp2p limit)', async () => {
    // Why: Node cannot dial from its listening port (no SO_REUSEPORT on outgoing sockets), so an outgoing
    // connection's NAT mapping never leads to a listener. @libp2p/identify therefore drops observed TCP
    // addresses (js-libp2p#2620), AutoNAT has no public candidate to verify, and DCUtR, which exchanges only
    // verified public addresses, has nothing to dial. B (the relayed connection's inbound side) tries 3 times.
    await waitFor('B to give up its DCUtR attempts', () => /DCUtR on attempt 3 of 3/.test(b.stderr), 20_000)
    expect(b.stderr).toMatch(/peer \S+ has no public addresses, not attempting unilateral connection upgrade/)
    expect(a.stderr).toMatch(/B had no dialable multiaddrs/)
    const toB = (await a.call<ConnectionInfo[]>('connections')).filter((c) => c.remotePeer === b.peerId)
    expect(toB.length).toBeGreaterThan(0)
    expect(toB.every((c) => c.limited && c.remoteAddr.includes('/p2p-circuit'))).toBe(true)
    // AutoNAT's outcome: neither A nor B announces any WAN address except its relayed one.
    for (const peer of [a, b]) {
      const { addresses } = await peer.call<{ addresses: string[] }>('info')
      expect(
        addresses.filter((x) => x.startsWith('/ip4/10.231.100.') && !x.includes('/p2p-circuit')),
      ).toEqual([])
      expect(addresses.some((x) => x.includes('/p2p-circuit'))).toBe(true)
    }
    // And R enforces the limit it was given (256 KiB per relayed connection): 1 MiB does not get through,
    // R resets the relayed connection instead.
    const relayed = toB[0] as ConnectionInfo
    const overLimit = await a.call<Sent>('send', { connection: relayed.id, bytes: 1024 * KiB }).then(
      (sent) => sent.intact,
      () => false,
    )
    expect(overLimit).toBe(false)
    await waitFor('R to cut the relayed connection', async () =>
      (await a.call<ConnectionInfo[]>('connections')).every((c) => c.id !== relayed.id),
    )
  })

  it('with a UPnP mapping on A’s router, DCUtR replaces the relayed connection by a direct one that carries the data', async () => {
    const peer = a2 as Peer
    const port = tcpPort(peer.addresses, net.hostA.address)
    await igd.event(
      'A’s router to map the port by UPnP',
      (e) => e.event === 'mapped' && e.internal === `${net.hostA.address}:${port}`,
    )
    const mapped = `/ip4/${net.routerA.wanAddress}/tcp/${port}/p2p/${peer.peerId}`
    // Connecting to R lets R's AutoNAT dial the mapped address back; only then is it announced.
    expect((await peer.call<{ addresses: string[] }>('info')).addresses).not.toContain(mapped)
    await peer.call('dial', { address: relayAddress })
    await waitFor('AutoNAT to confirm the mapped address', async () =>
      (await peer.call<{ addresses: string[] }>('info')).addresses.includes(mapped),
    )

    const relayed = await peer.call<ConnectionInfo>('dial', {
      address: `${relayAddress}/p2p-circuit/p2p/${b.peerId}`,
    })
    expect(relayed.remoteAddr).toContain('/p2p-circuit')
    expect(relayed.limited).toBe(true)
    expect(relayed.encryption).toBe(STOQ_PROTOCOL)

    let direct: ConnectionInfo | undefined
    await waitFor('DCUtR to give A a direct connection to B, and close the relayed one', async () => {
      const toB = (await peer.call<ConnectionInfo[]>('connections')).filter((c) => c.remotePeer === b.peerId)
      direct = toB.find((c) => !c.remoteAddr.includes('/p2p-circuit'))
      return direct != null && toB.length === 1
    })
    // B dialled A's mapped port on A's router, so A sees B's router's WAN address: it crosses both NATs.
    expect(direct?.remoteAddr).toMatch(new RegExp(`^/ip4/${net.routerB.wanAddress}/tcp/\\d+`))
    expect(direct?.limited).toBe(false)
    expect(direct?.encryption).toBe(STOQ_PROTOCOL)
    const fromB = (await b.call<ConnectionInfo[]>('connections')).filter((c) => c.remotePeer === peer.peerId)
    expect(fromB.map((c) => [c.remoteAddr, c.direction, c.limited])).toEqual([[mapped, 'outbound', false]])

    const before = net.relayTcpBytes()
    const sent = await peer.call<Sent>('send', {
      connection: direct?.id,
      bytes: 1024 * KiB,
    })
    const after = net.relayTcpBytes()
    expect(sent.intact).toBe(true)
    expect(sent.connection.remoteAddr).toBe(direct?.remoteAddr)
    // 1 MiB crossed; R's interface saw at most a few keep-alive packets meanwhile.
    expect(after.received - before.received + (after.sent - before.sent)).toBeLessThan(16 * KiB)
  })
})
