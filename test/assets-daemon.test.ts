/**
 * A node's memory, leased through its API and used by another peer over STOQ: the asset list gives its
 * proxy address; a lease is refused while memory is not shared or for more than is offered; once shared,
 * the lease's holder reads and writes it, and no other peer can use the same lease.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { decodeLease } from '../app/consensus'
import type { ProxyRefusal } from '../app/assets/proxy/memory-client'
import { RemoteMemory } from '../app/assets/proxy/memory-client'
import { RemoteStorage } from '../app/assets/proxy/storage-client'
import { resolveProxyAddress } from '../app/assets/proxy-address'
import { stoqTransportProfile } from '../app/stoq'
import type { OwnAssetInfo } from '../shared/sharing-schemas'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024
const peer = () =>
  createLibp2p({
    ...stoqTransportProfile({
      falcon: falcon1024.keygen(),
      quic: false,
      webrtcDirect: false,
    }).libp2pOptions(),
  })

describe('leased memory through a node’s API', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-assets-'))
  let owner: Daemon
  let holder: Libp2p
  let other: Libp2p
  let tcpAddress: string

  beforeAll(async () => {
    ensureBuilt()
    owner = await startDaemon(join(base, 'owner'))
    ;[holder, other] = await Promise.all([peer(), peer()])
    const status = await owner.call('node.status', {})
    tcpAddress = status.listenAddresses.find((a: string) => a.includes('/tcp/') && !a.includes('/ws'))!
  }, 60_000)

  afterAll(async () => {
    await Promise.all([holder?.stop(), other?.stop()])
    await owner?.stop()
    rmSync(base, { recursive: true, force: true })
  })

  it('lists the node’s assets with proxy addresses that resolve to it', async () => {
    const assets = (await owner.call('assets.list', {})) as OwnAssetInfo[]
    const memory = assets.find((a) => a.resource === 'memory')!
    expect(memory).toMatchObject({ shared: false, privacy: 'Private' })
    const status = await owner.call('node.status', {})
    expect(resolveProxyAddress(memory.proxyAddress, status.network.networkId, [status.peerId])).toEqual({
      peerId: status.peerId,
      resource: 'memory',
      index: 0,
    })
  })

  it('refuses a lease while memory is private, and for more than is offered', async () => {
    const request = { holder: holder.peerId.toString(), resource: 'memory', amountBytes: 8 * MiB, minutes: 5 }
    const refused = await owner.callRaw('assets.issueLease', request)
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.message).toMatch(/this resource is not shared/)
    await owner.call('sharing.update', {
      resource: 'memory',
      settings: {
        ...defaultSharing('memory'),
        enabled: true,
        privacy: 'FullPublic',
        memoryInUseBytes: 64 * MiB,
        memoryIdleBytes: 64 * MiB,
      },
    })
    const tooMuch = await owner.callRaw('assets.issueLease', { ...request, amountBytes: 128 * MiB })
    expect(tooMuch.ok).toBe(false)
    if (!tooMuch.ok) expect(tooMuch.error.message).toMatch(/offers 67108864 bytes/)
  })

  it('the holder uses the leased memory over STOQ; another peer presenting the same lease is refused', async () => {
    const issued = await owner.call('assets.issueLease', {
      holder: holder.peerId.toString(),
      resource: 'memory',
      amountBytes: 8 * MiB,
      minutes: 5,
    })
    const lease = decodeLease(new TextEncoder().encode(issued.lease))
    const memory = await RemoteMemory.open(await holder.dial(multiaddr(tcpAddress)), lease)
    const data = new Uint8Array(MiB).fill(0x42)
    await memory.write(3 * MiB, data)
    expect(await memory.read(3 * MiB, MiB)).toEqual(data)
    await memory.close()
    await expect(RemoteMemory.open(await other.dial(multiaddr(tcpAddress)), lease)).rejects.toMatchObject({
      code: 'wrong-holder',
    } satisfies Partial<ProxyRefusal>)
  })

  it('stores shards on the node’s disk by lease, within the lease and the storage quota (changed live)', async () => {
    await owner.call('sharing.update', {
      resource: 'storage',
      settings: {
        ...defaultSharing('storage'),
        enabled: true,
        privacy: 'FullPublic',
        diskQuotaBytes: 2 * MiB,
        keepFreeBytes: 0,
      },
    })
    const issued = await owner.call('assets.issueLease', {
      holder: holder.peerId.toString(),
      resource: 'storage',
      amountBytes: 2 * MiB,
      minutes: 5,
    })
    const storage = await RemoteStorage.open(
      await holder.dial(multiaddr(tcpAddress)),
      decodeLease(new TextEncoder().encode(issued.lease)),
    )
    const shard = new Uint8Array(MiB + 5).fill(9)
    await storage.put('ab'.repeat(32), 0, shard)
    expect(await storage.get('ab'.repeat(32), 0)).toEqual(shard)
    // Beyond the lease, and (after the owner lowers the quota, live) beyond the quota.
    await expect(storage.put('ab'.repeat(32), 1, new Uint8Array(MiB))).rejects.toMatchObject({
      code: 'over-lease',
    })
    await owner.call('sharing.update', {
      resource: 'storage',
      settings: {
        ...defaultSharing('storage'),
        enabled: true,
        privacy: 'FullPublic',
        diskQuotaBytes: MiB,
        keepFreeBytes: 0,
      },
    })
    await expect(storage.put('ab'.repeat(32), 2, new Uint8Array(1000))).rejects.toMatchObject({
      code: 'over-quota',
    })
    await storage.close()
  })

  it('registers a shared asset on the ledger with its proofs; any member discovers it with its proxy address', async () => {
    const refused = await owner.callRaw('assets.register', { resource: 'cpu' })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.message).toMatch(/share the cpu first/)
    await owner.call('sharing.update', {
      resource: 'cpu',
      settings: {
        ...defaultSharing('cpu'),
        enabled: true,
        privacy: 'P2P',
        trustedPeers: [holder.peerId.toString()],
      },
    })
    const p2p = await owner.callRaw('assets.register', { resource: 'cpu' })
    expect(p2p.ok).toBe(false)
    if (!p2p.ok) expect(p2p.error.message).toMatch(/P2P asset is not announced/)

    // Memory is FullPublic (above): register it, and find it on the ledger.
    const receipt = await owner.call('assets.register', { resource: 'memory' })
    const memory = ((await owner.call('assets.list', {})) as OwnAssetInfo[]).find(
      (a) => a.resource === 'memory',
    )!
    expect(receipt.assetId).toBe(memory.assetId)
    await waitFor(
      'the registration to be committed',
      async () => (await owner.call('assets.discover', {})).length > 0,
      30_000,
    )
    const [found] = await owner.call('assets.discover', {})
    const status = await owner.call('node.status', {})
    expect(found).toMatchObject({
      assetId: memory.assetId,
      peerId: status.peerId,
      resource: 'memory',
      privacy: 'FullPublic',
      proxyAddress: memory.proxyAddress,
      isOwn: true,
    })
    const again = await owner.callRaw('assets.register', { resource: 'memory' })
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.error.message).toMatch(/already registered/)
  })

  it('keeps a connection from a peer of no shared network only while a served asset admits it', async () => {
    const connected = async (peerNode: Libp2p) => {
      await peerNode.dial(multiaddr(tcpAddress))
      // Past the admission grace (the membership timeout and 5 s), the node has decided.
      await new Promise((r) => setTimeout(r, 16_000))
      // The fresh peer's only connection is to the owner.
      return peerNode.getConnections().some((c) => c.status === 'open')
    }
    // Memory is FullPublic (above): a stranger may stay to use it.
    const stranger = await peer()
    expect(await connected(stranger)).toBe(true)
    await stranger.stop()
    for (const resource of ['memory', 'storage'] as const)
      await owner.call('sharing.update', { resource, settings: { ...defaultSharing(resource) } })
    const another = await peer()
    expect(await connected(another)).toBe(false)
    await another.stop()
  }, 60_000)
})
