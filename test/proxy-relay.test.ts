/**
 * Leased memory reached through a relay when there is no direct path: the owner holds reservations on two
 * relays (circuit relay v2, STOQ on every hop), the holder reaches it through the relay with more stake,
 * and reads and writes over the relayed connection within the relay's limits; unless the owner's terms
 * keep the resource to direct connections (`relayThroughPeers` off), which refuses the relayed lease.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { identify } from '@libp2p/identify'
import { createLibp2p, type Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseBook } from '../app/assets/leases/lease-book'
import { RemoteMemory } from '../app/assets/proxy/memory-client'
import { MemoryProxyServer } from '../app/assets/proxy/memory-proxy'
import { reachPeer, relayOf } from '../app/assets/proxy/relay-choice'
import { RELAY_HOP_PROTOCOL, StakedRelays } from '../app/assets/proxy/staked-relays'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { stoqTransportProfile } from '../app/stoq'
import { natTraversal } from '../app/stoq/nat'
import { waitFor } from './support/daemon'

const MiB = 1024 * 1024

async function node(
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array },
  nat: { relayServer?: boolean; relayReservations: number },
): Promise<Libp2p> {
  const base = stoqTransportProfile({ falcon, quic: false, webrtcDirect: false }).libp2pOptions()
  const traversal = natTraversal({
    loopbackOnly: true,
    relayServer: nat.relayServer === true ? { dataLimitBytes: 16 * MiB } : false,
    relayReservations: nat.relayReservations,
    upnp: false,
    autoNAT: false,
    dcutr: false,
  })
  return createLibp2p({
    ...base,
    transports: [...(base.transports ?? []), ...traversal.transports],
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0', ...traversal.listenAddresses] },
    services: { identify: identify(), ...traversal.services },
  } as Parameters<typeof createLibp2p>[0])
}

describe('leased memory through a relay', () => {
  const ownerKeys = falcon1024.keygen()
  let relay: Libp2p
  let relay2: Libp2p
  let owner: Libp2p
  let holder: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let server: MemoryProxyServer
  let relayThroughPeers = true

  beforeAll(async () => {
    relay = await node(falcon1024.keygen(), { relayServer: true, relayReservations: 0 })
    relay2 = await node(falcon1024.keygen(), { relayServer: true, relayReservations: 0 })
    owner = await node(ownerKeys, { relayReservations: 2 })
    holder = await node(falcon1024.keygen(), { relayReservations: 0 })
    db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-relay-proxy-'))))
    book = new LeaseBook(db, {
      peerId: owner.peerId.toString(),
      falcon: ownerKeys,
      networkId: 'a'.repeat(64),
    })
    server = new MemoryProxyServer({
      libp2p: owner,
      book,
      asset: () => ({ assetId: 'b'.repeat(64), capacity: BigInt(64 * MiB) }),
      refusalFor: () => null,
      terms: () => ({ maxLeases: 64, relayThroughPeers }),
      log: pino({ level: 'silent' }),
    })
    await server.start()
    await owner.dial(relay.getMultiaddrs()[0]!)
    await owner.dial(relay2.getMultiaddrs()[0]!)
    await waitFor(
      'the owner’s reservations on both relays',
      async () => new Set(circuits().map((a) => relayOf(a))).size === 2,
      20_000,
    )
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await Promise.all([relay, relay2, owner, holder].map((n) => n?.stop()))
    db?.close()
  })

  const circuits = () => owner.getMultiaddrs().filter((a) => a.toString().includes('/p2p-circuit'))

  it('the holder reaches the owner through the relay with the most stake', async () => {
    // Only relayed addresses are known to the holder: there is no direct path to try.
    const addresses = circuits().map((a) => multiaddr(a.toString()))
    for (const favoured of [relay2, relay]) {
      const stakes = new Map([[favoured.peerId.toString(), 5_000n]])
      const connection = await reachPeer(holder, owner.peerId, {
        addresses,
        stakeOf: (peer) => stakes.get(peer) ?? 0n,
      })
      expect(connection.limits).toBeDefined()
      expect(relayOf(connection.remoteAddr)).toBe(favoured.peerId.toString())
      await connection.close()
    }
  })

  it('an owner that knows two relays holds a reservation on the one with stake', async () => {
    const owner2 = await node(falcon1024.keygen(), { relayReservations: 0 })
    try {
      await owner2.dial(relay.getMultiaddrs()[0]!)
      await owner2.dial(relay2.getMultiaddrs()[0]!)
      const staked = new StakedRelays(
        owner2,
        () => new Map([[relay2.peerId.toString(), 5_000n]]),
        pino({ level: 'silent' }),
      )
      await waitFor(
        'identify to say both relays serve circuit relay',
        async () =>
          (await owner2.peerStore.all()).filter((p) => p.protocols.includes(RELAY_HOP_PROTOCOL)).length === 2,
      )
      expect(await staked.refresh()).toEqual([relay2.peerId.toString()])
      await waitFor('the reservation on the staked relay', async () =>
        owner2.getMultiaddrs().some((a) => relayOf(a) === relay2.peerId.toString()),
      )
      expect(owner2.getMultiaddrs().some((a) => relayOf(a) === relay.peerId.toString())).toBe(false)
    } finally {
      await owner2.stop()
    }
  })

  it('the holder reads and writes the owner’s memory over the relayed connection', async () => {
    const connection = await reachPeer(holder, owner.peerId, {
      addresses: circuits().map((a) => multiaddr(a.toString())),
      stakeOf: () => 0n,
    })
    expect(connection.limits).toBeDefined()
    const lease = book.issue({
      assetId: 'b'.repeat(64),
      holder: holder.peerId.toString(),
      amount: BigInt(MiB),
      durationMs: 60_000,
    })
    const memory = await RemoteMemory.open(connection, lease)
    const data = new Uint8Array(64 * 1024).map((_, i) => (i * 7) % 256)
    await memory.write(4096, data)
    expect(await memory.read(4096, data.length)).toEqual(data)
    await memory.close()
  })

  it('refuses a relayed lease when the owner keeps the resource to direct connections', async () => {
    relayThroughPeers = false
    try {
      const issue = () =>
        book.issue({
          assetId: 'b'.repeat(64),
          holder: holder.peerId.toString(),
          amount: BigInt(MiB),
          durationMs: 60_000,
        })
      const relayed = await reachPeer(holder, owner.peerId, {
        addresses: circuits().map((a) => multiaddr(a.toString())),
        stakeOf: () => 0n,
      })
      expect(relayed.limits).toBeDefined()
      await expect(RemoteMemory.open(relayed, issue())).rejects.toMatchObject({
        code: 'not-allowed',
        message: 'its owner lets it be reached directly only, not through other peers’ relays',
      })
      const direct = owner.getMultiaddrs().find((a) => !a.toString().includes('/p2p-circuit'))!
      const memory = await RemoteMemory.open(await holder.dial(direct), issue())
      await memory.write(0, new Uint8Array([1]))
      await memory.close()
    } finally {
      relayThroughPeers = true
    }
  })
})
