/**
 * Paged remote memory over STOQ between two libp2p nodes on loopback: used with a valid lease; refused
 * without one, with a forged, expired, replayed or someone else's lease, beyond the leased size, and when
 * the privacy level does not allow the peer; a closed stream releases the lease.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { signLease } from '../app/consensus'
import type { LeaseBook } from '../app/assets/leases/lease-book'
import { RemoteMemory, ProxyRefusal } from '../app/assets/proxy/memory-client'
import { MemoryProxyServer } from '../app/assets/proxy/memory-proxy'
import { refusalFor } from '../app/assets/proxy/privacy'
import { BandwidthCaps } from '../app/assets/proxy/token-bucket'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'
import type { SharingSettings } from '../shared/sharing-schemas'

const NETWORK = 'c'.repeat(64)
const ASSET = 'd'.repeat(64)
const MiB = 1024 * 1024

describe('paged remote memory through the proxy protocol', () => {
  const ownerKeys = falcon1024.keygen(new Uint8Array(48).fill(31))
  let owner: Libp2p
  let holder: Libp2p
  let stranger: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let server: MemoryProxyServer
  let now = Date.now()
  let sharing: SharingSettings = { ...defaultSharing('memory'), enabled: true, privacy: 'FullPublic' }
  const members = new Set<string>()

  beforeAll(async () => {
    ;[owner, holder, stranger] = await Promise.all([
      loopbackNode(ownerKeys),
      loopbackNode(falcon1024.keygen()),
      loopbackNode(falcon1024.keygen()),
    ])
    ;({ db, book } = ownerLeaseBook(owner, ownerKeys, NETWORK, () => now))
    server = new MemoryProxyServer({
      libp2p: owner,
      book,
      asset: () => ({ assetId: ASSET, capacity: BigInt(64 * MiB) }),
      refusalFor: (peer) =>
        refusalFor(sharing, peer, { activeNetworkId: NETWORK, isMember: (p) => members.has(p) }),
      caps: new BandwidthCaps(() => sharing),
      log: pino({ level: 'silent' }),
      now: () => now,
    })
    await server.start()
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await Promise.all([owner, holder, stranger].map((n) => n?.stop()))
    db?.close()
  })

  const issue = (holderPeer = holder.peerId.toString(), amount = 8n * BigInt(MiB)) =>
    book.issue({ assetId: ASSET, holder: holderPeer, amount, durationMs: 60_000 })
  const connect = (from: Libp2p) => from.dial(owner.getMultiaddrs()[0]!)
  const refusalCode = async (from: Libp2p, lease: Parameters<typeof RemoteMemory.open>[1]) => {
    try {
      const memory = await RemoteMemory.open(await connect(from), lease)
      await memory.close()
      return null
    } catch (err) {
      if (err instanceof ProxyRefusal) return err.code
      throw err
    }
  }

  it('reads back what it wrote, by address across pages; unwritten memory reads as zeros', async () => {
    const lease = issue()
    const memory = await RemoteMemory.open(await connect(holder), lease)
    expect(memory.size).toBe(8 * MiB)
    const data = new Uint8Array(200_000).map((_, i) => i % 251)
    await memory.write(100_000, data)
    expect(await memory.read(100_000, data.length)).toEqual(data)
    expect(await memory.read(0, 16)).toEqual(new Uint8Array(16))
    await memory.close()
    await expect.poll(() => book.statusOf(lease.terms.leaseId)).toBe('released')
  })

  it('refuses reads and writes beyond the leased size, and the stream stays usable', async () => {
    const memory = await RemoteMemory.open(await connect(holder), issue(undefined, BigInt(MiB)))
    await expect(memory.read(MiB - 10, 20)).rejects.toMatchObject({ code: 'out-of-bounds' })
    await expect(memory.write(MiB, new Uint8Array(1))).rejects.toMatchObject({ code: 'out-of-bounds' })
    await memory.write(MiB - 1, new Uint8Array([7]))
    expect(await memory.read(MiB - 1, 1)).toEqual(new Uint8Array([7]))
    await memory.close()
  })

  it('refuses a forged, an expired, a replayed and someone else’s lease', async () => {
    const lease = issue()
    expect(await refusalCode(holder, { ...lease, terms: { ...lease.terms, amount: String(60 * MiB) } })).toBe(
      'bad-signature',
    )
    expect(await refusalCode(stranger, lease)).toBe('wrong-holder')
    const open = await RemoteMemory.open(await connect(holder), lease)
    expect(await refusalCode(holder, lease)).toBe('replayed')
    await open.close()
    const short = signLease({ ...issue().terms }, ownerKeys.secretKey)
    now += 120_000
    expect(await refusalCode(holder, short)).toBe('expired')
    now -= 120_000
  })

  it('enforces the privacy level on the authenticated peer, before looking at the lease', async () => {
    sharing = { ...sharing, privacy: 'Private' }
    expect(await refusalCode(holder, issue())).toBe('not-allowed')
    sharing = { ...sharing, privacy: 'P2P', trustedPeers: [stranger.peerId.toString()] }
    expect(await refusalCode(holder, issue())).toBe('not-allowed')
    sharing = { ...sharing, trustedPeers: [holder.peerId.toString()] }
    expect(await refusalCode(holder, issue())).toBeNull()
    sharing = { ...sharing, privacy: 'PrivateNetwork', networks: [NETWORK] }
    expect(await refusalCode(holder, issue())).toBe('not-allowed')
    members.add(holder.peerId.toString())
    expect(await refusalCode(holder, issue())).toBeNull()
    sharing = { ...sharing, enabled: false }
    expect(await refusalCode(holder, issue())).toBe('not-allowed')
    sharing = { ...sharing, enabled: true, privacy: 'FullPublic' }
  })

  it('refuses requests on an open stream once its lease has expired', async () => {
    const memory = await RemoteMemory.open(await connect(holder), issue())
    expect(await memory.read(0, 4)).toEqual(new Uint8Array(4))
    now += 120_000
    await expect(memory.read(0, 4)).rejects.toMatchObject({ code: 'expired' })
    now -= 120_000
    await memory.close()
  })

  it('holds reads to the upload cap of the memory terms', async () => {
    const memory = await RemoteMemory.open(await connect(holder), issue())
    let started = performance.now()
    for (let i = 0; i < 4; i++) await memory.read(i * MiB, MiB)
    const uncapped = performance.now() - started
    sharing = { ...sharing, uploadMbps: 16 } // 2 MB/s
    started = performance.now()
    for (let i = 0; i < 4; i++) await memory.read(i * MiB, MiB)
    const capped = performance.now() - started
    // 4 MiB at 2 MB/s, less the 256 KiB burst: at least 1.9 s.
    expect(capped).toBeGreaterThan(1_900)
    expect(capped).toBeGreaterThan(uncapped * 2)
    sharing = { ...sharing, uploadMbps: null }
    await memory.close()
  }, 30_000)

  it('refuses a stream that does not open with a lease', async () => {
    const connection = await connect(holder)
    const stream = await connection.newStream('/hypermesh/proxy/memory/1.0.0')
    const { lpStream } = await import('@libp2p/utils')
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode(JSON.stringify({ type: 'read', offset: 0, length: 4 })))
    const answer = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
    expect(answer).toMatchObject({ ok: false, code: 'no-lease' })
  })
})
