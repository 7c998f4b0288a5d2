/**
 * Storage leases over time (issue 17, item 6), between libp2p nodes on loopback with one clock that the
 * test moves: a lease's shards are deleted when it ends or is revoked, and are not served after; a holder
 * grants and runs no more leases at once than its terms' `maxLeases` (a renewal takes its old lease's
 * place); and a file stored through the file service survives past its first leases' end because the
 * service renews them in their last week, while a file whose leases are not renewed is gone after them.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { grantLease, leaseGrantor, type LeaseDesk } from '../app/assets/asset-offers'
import { FileService, RENEW_WITHIN_MS } from '../app/assets/files/file-service'
import { requestLease, LeaseRequestServer } from '../app/assets/leases/lease-requests'
import { assetIdOf } from '../app/assets/own-assets'
import type { AssetServiceParts } from '../app/assets/ports'
import { RemoteStorage } from '../app/assets/proxy/storage-client'
import { shardKeyOf, StorageProxyServer } from '../app/assets/proxy/storage-proxy'
import { defaultSharing } from '../app/assets/sharing/defaults'
import { LeasedShards } from '../app/assets/storage/leased-shards'
import { ShardStore } from '../app/assets/storage/shard-store'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { FILE_CHUNK_BYTES } from '../shared/file-schemas'
import type { SharingSettings } from '../shared/sharing-schemas'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'

const NETWORK = 'e'.repeat(64)
const MiB = 1024 * 1024
const DAY = 24 * 3600_000
const silent = pino({ level: 'silent' })

interface Holder {
  node: Libp2p
  db: DatabaseSync
  desk: LeaseDesk
  dir: string
  assetId: string
  parts: AssetServiceParts
  servers: { start(): Promise<void>; stop(): Promise<void> }[]
}

describe('storage leases over time', () => {
  let now = Date.now()
  const clock = () => now
  let terms: SharingSettings = {
    ...defaultSharing('storage'),
    enabled: true,
    privacy: 'FullPublic',
    requiredProofs: [],
  }
  const base = mkdtempSync(join(tmpdir(), 'hm-storage-leases-'))
  const uploaderKeys = falcon1024.keygen()
  let uploader: Libp2p
  let uploaderDb: DatabaseSync
  let files: FileService
  const holders: Holder[] = []

  async function startHolder(i: number): Promise<Holder> {
    const falcon = falcon1024.keygen()
    const node = await loopbackNode(falcon)
    const peerId = node.peerId.toString()
    const { db, book } = ownerLeaseBook(node, falcon, NETWORK, clock)
    const dir = join(base, `holder-${i}`)
    const shards = new LeasedShards(
      db,
      new ShardStore(dir, () => ({ quotaBytes: null, keepFreeBytes: 0 })),
      silent,
      clock,
    )
    const desk = { book, shards }
    const assetId = assetIdOf(NETWORK, peerId, 'storage', 0)
    // The parts of a node that granting reads: its terms and offer, its network. (No ledger: no proofs.)
    const parts = {
      peerId,
      sharing: { settingsOf: () => terms, storageOffer: () => BigInt(64 * MiB) },
      network: { activeNetworkId: () => NETWORK, isMember: () => true, members: () => [] },
      currentLedger: () => null,
    } as unknown as AssetServiceParts
    const servers = [
      new LeaseRequestServer(node, leaseGrantor(parts, desk), silent),
      new StorageProxyServer({
        libp2p: node,
        shards,
        book,
        asset: () => ({ assetId, capacity: BigInt(64 * MiB) }),
        refusalFor: () => null,
        terms: () => terms,
        holding: () => shards.holding(assetId),
        log: silent,
        now: clock,
      }),
    ]
    for (const server of servers) await server.start()
    return { node, db, desk, dir, assetId, parts, servers }
  }

  beforeAll(async () => {
    uploader = await loopbackNode(uploaderKeys)
    for (let i = 0; i < 2; i++) holders.push(await startHolder(i))
    uploaderDb = openDatabase(databasePath(mkdtempSync(join(base, 'uploader-'))))
    files = new FileService({
      db: uploaderDb,
      peerId: uploader.peerId.toString(),
      falcon: uploaderKeys,
      reach: async (peer) => {
        const holder = holders.find((h) => h.node.peerId.toString() === peer)!
        return uploader.dial(holder.node.getMultiaddrs()[0]!)
      },
      storageCandidates: () => holders.map((h) => h.node.peerId.toString()),
      receipts: { sign: () => null },
      log: silent,
      now: clock,
    })
  }, 60_000)

  afterAll(async () => {
    for (const h of holders) {
      for (const server of h.servers) await server.stop()
      await h.node.stop()
      h.db.close()
    }
    await uploader?.stop()
    uploaderDb?.close()
    rmSync(base, { recursive: true, force: true })
  })

  const dial = (h: Holder) => uploader.dial(h.node.getMultiaddrs()[0]!)
  const ask = (renews?: string) => ({ resource: 'storage' as const, amountBytes: MiB, minutes: 60, renews })
  const shardFiles = (h: Holder) => (existsSync(h.dir) ? readdirSync(h.dir) : [])
  const sweepAll = () => holders.forEach((h) => h.desk.shards.sweep())

  async function store(name: string, data: Buffer) {
    const { uploadId } = files.beginUpload({ name, size: data.length, n: 2, k: 1 })
    for (let offset = 0; offset < data.length; offset += FILE_CHUNK_BYTES)
      files.uploadChunk({
        uploadId,
        offset,
        data: data.subarray(offset, offset + FILE_CHUNK_BYTES).toString('base64'),
      })
    return files.finishUpload(uploadId)
  }

  async function fetchBack(fileId: string): Promise<Buffer> {
    const fetched = await files.fetch(fileId)
    const parts: Buffer[] = []
    for (let offset = 0; offset < fetched.size; offset += FILE_CHUNK_BYTES)
      parts.push(
        Buffer.from(
          files.readChunk({ downloadId: fetched.downloadId, offset, length: FILE_CHUNK_BYTES }).data,
          'base64',
        ),
      )
    return Buffer.concat(parts)
  }

  it('deletes a lease’s shards when it ends, and serves none of them after its end', async () => {
    const holder = holders[0]!
    const lease = await requestLease(await dial(holder), ask())
    const storage = await RemoteStorage.open(await dial(holder), lease)
    const fileId = randomBytes(32).toString('hex')
    await storage.put(fileId, 0, new Uint8Array(1000).fill(7))
    await storage.close()
    expect(shardFiles(holder)).toHaveLength(1)
    now = lease.terms.endsAt
    // Before the sweep comes round: the lease can no longer be presented, and its shard is not served.
    await expect(RemoteStorage.open(await dial(holder), lease)).rejects.toMatchObject({ code: 'expired' })
    expect(holder.desk.shards.get(shardKeyOf(uploader.peerId.toString(), fileId), 0)).toBeNull()
    expect(holder.desk.shards.sweep()).toEqual({ shards: 1, bytes: 1000 })
    expect(shardFiles(holder)).toEqual([])
    expect(holder.desk.shards.storedBy(lease.terms.leaseId)).toBe(0n)
  })

  it('deletes a revoked lease’s shards', async () => {
    const holder = holders[0]!
    const lease = await requestLease(await dial(holder), ask())
    const storage = await RemoteStorage.open(await dial(holder), lease)
    await storage.put(randomBytes(32).toString('hex'), 1, new Uint8Array(500))
    await storage.close()
    holder.desk.book.revoke(lease.terms.leaseId)
    expect(holder.desk.shards.sweep()).toEqual({ shards: 1, bytes: 500 })
    expect(shardFiles(holder)).toEqual([])
  })

  it('grants and runs no more leases at once than maxLeases; a renewal takes its old lease’s place', async () => {
    const holder = holders[1]!
    terms = { ...terms, maxLeases: 2 }
    const granted = [
      await requestLease(await dial(holder), ask()),
      await requestLease(await dial(holder), ask()),
    ]
    // Both hold a shard, so both run without a stream.
    for (const lease of granted) {
      const storage = await RemoteStorage.open(await dial(holder), lease)
      await storage.put(randomBytes(32).toString('hex'), 0, new Uint8Array(100))
      await storage.close()
    }
    await expect(requestLease(await dial(holder), ask())).rejects.toThrow(
      /runs 2 leases on its storage at once, as many as its terms allow/,
    )
    // Raised to 3: a third is granted; lowered to 2 again, it is refused when presented.
    terms = { ...terms, maxLeases: 3 }
    const third = await requestLease(await dial(holder), ask())
    terms = { ...terms, maxLeases: 2 }
    await expect(RemoteStorage.open(await dial(holder), third)).rejects.toMatchObject({
      code: 'over-capacity',
    })
    // A renewal is granted at the limit, and its first use takes over the old lease's shards.
    const renewal = await requestLease(await dial(holder), ask(granted[0]!.terms.leaseId))
    const storage = await RemoteStorage.open(await dial(holder), renewal)
    await storage.close()
    expect(holder.desk.shards.storedBy(renewal.terms.leaseId)).toBe(100n)
    expect(holder.desk.book.statusOf(granted[0]!.terms.leaseId)).toBe('revoked')
    // A lease cannot be renewed twice, nor by another peer's ask.
    await expect(requestLease(await dial(holder), ask(granted[0]!.terms.leaseId))).rejects.toThrow(
      /no renewal: the lease has ended \(or was renewed already\)/,
    )
    terms = { ...terms, maxLeases: 4 }
    for (const lease of [renewal, granted[1]!]) holder.desk.book.revoke(lease.terms.leaseId)
    holder.desk.shards.sweep()
  })

  it('grants no lease asked over a relay when the terms keep the resource to direct connections', () => {
    const holder = holders[1]!
    const peer = uploader.peerId.toString()
    terms = { ...terms, relayThroughPeers: false }
    expect(() => grantLease(holder.parts, holder.desk, peer, ask(), { relayed: true })).toThrow(
      /reached directly only, not through other peers’ relays/,
    )
    expect(grantLease(holder.parts, holder.desk, peer, ask(), { relayed: false }).terms.holder).toBe(peer)
    terms = { ...terms, relayThroughPeers: true }
    expect(grantLease(holder.parts, holder.desk, peer, ask(), { relayed: true }).terms.holder).toBe(peer)
  })

  it('a stored file survives past its first leases’ end, renewed in their last week; one not renewed is gone', async () => {
    const kept = randomBytes(200 * 1024)
    const stored = await store('kept.bin', kept)
    const firstEnd = stored.expiresAt
    // Not due yet: nothing is renewed.
    expect(await files.renew(stored.fileId)).toEqual({ renewed: [], refused: [] })
    now = firstEnd - RENEW_WITHIN_MS + DAY
    const renewal = await files.renew(stored.fileId)
    expect(renewal.refused).toEqual([])
    expect(renewal.renewed).toHaveLength(2)
    const [info] = files.list()
    expect(info!.expiresAt).toBe(now + 30 * DAY)
    // Stored now, and never renewed.
    const dropped = randomBytes(100 * 1024)
    const lost = await store('lost.bin', dropped)
    // Past the first leases' end: the holders delete what those leases held; the file stays.
    now = firstEnd + DAY
    sweepAll()
    expect((await fetchBack(stored.fileId)).equals(kept)).toBe(true)
    // Past the end of the second file's leases, which were not renewed: it is gone from both holders.
    now = lost.expiresAt + DAY
    sweepAll()
    await expect(files.fetch(lost.fileId)).rejects.toThrow(/too few holders answered/)
  }, 60_000)
})
