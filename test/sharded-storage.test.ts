/**
 * Sharded, encrypted storage across five holders on loopback (libp2p nodes over STOQ): a file put 3 of 5
 * comes back identical with two holders gone; a tampered shard is detected and left out; a holder that
 * dropped its shard fails its challenge; a holder's quota refuses what would pass it, and a lease what
 * would pass its amount, however many streams it is presented on.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { createLibp2p, type Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseBook } from '../app/assets/leases/lease-book'
import {
  challengeHolder,
  getFile,
  getSharded,
  putFile,
  putSharded,
  RemoteStorage,
} from '../app/assets/proxy/storage-client'
import { shardKeyOf, StorageProxyServer } from '../app/assets/proxy/storage-proxy'
import { LeasedShards } from '../app/assets/storage/leased-shards'
import { storageKemKeys } from '../app/assets/storage/sealed-file'
import { ShardStore } from '../app/assets/storage/shard-store'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { stoqTransportProfile } from '../app/stoq'

const NETWORK = 'a'.repeat(64)
const MiB = 1024 * 1024

interface Holder {
  node: Libp2p
  db: DatabaseSync
  book: LeaseBook
  dir: string
  quota: number
  shards: LeasedShards
  server: StorageProxyServer
}

const newNode = (falcon: { publicKey: Uint8Array; secretKey: Uint8Array }) =>
  createLibp2p({
    ...stoqTransportProfile({ falcon, quic: false, webrtcDirect: false }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  })

describe('sharded storage across five holders', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-sharded-'))
  const uploaderKeys = falcon1024.keygen()
  const kem = storageKemKeys(uploaderKeys.secretKey)
  let uploader: Libp2p
  const holders: Holder[] = []

  beforeAll(async () => {
    uploader = await newNode(uploaderKeys)
    for (let i = 0; i < 5; i++) {
      const falcon = falcon1024.keygen()
      const node = await newNode(falcon)
      mkdirSync(join(base, `h${i}`), { recursive: true })
      const db = openDatabase(databasePath(join(base, `h${i}`)))
      const book = new LeaseBook(db, { peerId: node.peerId.toString(), falcon, networkId: NETWORK })
      const dir = join(base, `h${i}`, 'shards')
      const holder = { node, db, book, dir, quota: 8 * MiB } as Holder
      const store = new ShardStore(dir, () => ({ quotaBytes: holder.quota, keepFreeBytes: 0 }))
      holder.shards = new LeasedShards(db, store, pino({ level: 'silent' }))
      holder.server = new StorageProxyServer({
        libp2p: node,
        shards: holder.shards,
        book,
        asset: () => ({ assetId: 'b'.repeat(64), capacity: BigInt(64 * MiB) }),
        refusalFor: () => null,
        log: pino({ level: 'silent' }),
      })
      await holder.server.start()
      holders.push(holder)
    }
  }, 120_000)

  afterAll(async () => {
    await uploader?.stop()
    for (const h of holders) {
      await h.server.stop()
      await h.node.stop()
      h.db.close()
    }
    rmSync(base, { recursive: true, force: true })
  })

  const openAll = async (amount = 4 * MiB): Promise<RemoteStorage[]> =>
    Promise.all(
      holders.map(async (h) => {
        const lease = h.book.issue({
          assetId: 'b'.repeat(64),
          holder: uploader.peerId.toString(),
          amount: BigInt(amount),
          durationMs: 600_000,
        })
        return RemoteStorage.open(await uploader.dial(h.node.getMultiaddrs()[0]!), lease)
      }),
    )
  const shardFile = (h: Holder, fileId: string, index: number): string =>
    join(h.dir, `${shardKeyOf(uploader.peerId.toString(), fileId)}.${index}`)

  it('gets a file back identical; a tampered shard is found and left out', async () => {
    const data = new Uint8Array(randomBytes(MiB + 12345))
    const storage = await openAll()
    const manifest = await putSharded(data, storage, kem.publicKey, 3)
    expect((await getSharded(manifest, storage, kem.secretKey)).data).toEqual(data)
    const file = shardFile(holders[0]!, manifest.fileId, 0)
    const bytes = readFileSync(file)
    bytes[100] = bytes[100]! ^ 0xff
    writeFileSync(file, bytes)
    const back = await getSharded(manifest, storage, kem.secretKey)
    expect(back.tampered).toEqual([0])
    expect(back.data).toEqual(data)
    await Promise.all(storage.map((s) => s.close()))
  })

  it('a holder that dropped its shard fails its challenge; one that kept it passes', async () => {
    const storage = await openAll()
    const manifest = await putSharded(new Uint8Array(randomBytes(300_000)), storage, kem.publicKey, 3)
    rmSync(shardFile(holders[1]!, manifest.fileId, 1))
    expect(await challengeHolder(manifest, storage[1]!, 1)).toBe(false)
    for (const i of [2, 3]) expect(await challengeHolder(manifest, storage[i]!, i)).toBe(true)
    // A holder cannot answer for a shard with another one it holds.
    expect(await challengeHolder(manifest, storage[2]!, 3)).toBe(false)
    await Promise.all(storage.map((s) => s.close()))
  })

  it('refuses shards beyond a holder’s quota or its lease', async () => {
    holders[2]!.quota = 0
    const storage = await openAll(MiB)
    await expect(storage[2]!.put('c'.repeat(64), 2, new Uint8Array(1000))).rejects.toMatchObject({
      code: 'over-quota',
    })
    await expect(storage[3]!.put('c'.repeat(64), 3, new Uint8Array(MiB + 1))).rejects.toMatchObject({
      code: 'over-lease',
    })
    holders[2]!.quota = 8 * MiB
    await Promise.all(storage.map((s) => s.close()))
  })

  it('a lease stores at most its amount, however many streams it is presented on', async () => {
    const holder = holders[0]!
    const lease = holder.book.issue({
      assetId: 'b'.repeat(64),
      holder: uploader.peerId.toString(),
      amount: BigInt(MiB),
      durationMs: 600_000,
    })
    const outcomes: string[] = []
    for (let i = 0; i < 6; i++) {
      const storage = await RemoteStorage.open(await uploader.dial(holder.node.getMultiaddrs()[0]!), lease)
      const fileId = randomBytes(32).toString('hex')
      outcomes.push(
        await storage.put(fileId, 0, new Uint8Array(400 * 1024)).then(
          () => 'stored',
          (err: { code: string }) => err.code,
        ),
      )
      await storage.close()
    }
    // 2 × 400 KiB fit in 1 MiB; the lease, presented again on four more streams, gives no more room.
    expect(outcomes).toEqual(['stored', 'stored', 'over-lease', 'over-lease', 'over-lease', 'over-lease'])
    expect(holder.shards.storedBy(lease.terms.leaseId)).toBe(800n * 1024n)
  })

  it('a file larger than one segment is put and got back in segments', async () => {
    // 3 × 8 MiB per segment: 30 MiB makes two.
    const data = new Uint8Array(randomBytes(30 * MiB))
    for (const h of holders) h.quota = 64 * MiB
    const storage = await openAll(64 * MiB)
    const file = await putFile(data, storage, kem.publicKey, 3)
    expect(file.segments).toHaveLength(2)
    const back = await getFile(file, storage, kem.secretKey)
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true)
    await Promise.all(storage.map((s) => s.close()))
  }, 60_000)

  it('with n − k = 2 holders gone, the file still comes back identical', async () => {
    const data = new Uint8Array(randomBytes(2 * MiB))
    const storage = await openAll()
    const manifest = await putSharded(data, storage, kem.publicKey, 3)
    await Promise.all([holders[3]!.node.stop(), holders[4]!.node.stop()])
    const back = await getSharded(manifest, storage, kem.secretKey)
    expect(back.missing).toEqual([3, 4])
    expect(back.data).toEqual(data)
    await Promise.all(storage.map((s) => s.close()))
  })
})
