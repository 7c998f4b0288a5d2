/**
 * `npm run bench:assets`: proxy-addressed remote memory against a plain libp2p stream between the same two
 * STOQ nodes, in the same run. Both sides move the same bytes with the same framing (a JSON header and the
 * data, length-prefixed); the proxy adds the lease, the paged address space and the bounds checks.
 *
 * - latency: one 4 KiB read or write at a time, p50 and p99 over --ops operations;
 * - throughput: 1 MiB reads and writes, one at a time, MiB/s over --mib MiB.
 *
 * Then sharded storage: a --file-mib MiB file sealed and put 3 of 5 across five holder nodes and got back,
 * against writing (with fsync) and reading the same bytes on local disk.
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createLibp2p, type Libp2p } from 'libp2p'
import { lpStream } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { LeaseBook } from '../app/assets/leases/lease-book'
import { RemoteMemory } from '../app/assets/proxy/memory-client'
import { MemoryProxyServer } from '../app/assets/proxy/memory-proxy'
import { getSharded, putSharded, RemoteStorage } from '../app/assets/proxy/storage-client'
import { StorageProxyServer } from '../app/assets/proxy/storage-proxy'
import { storageKemKeys } from '../app/assets/storage/sealed-file'
import { LeasedShards } from '../app/assets/storage/leased-shards'
import { ShardStore } from '../app/assets/storage/shard-store'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { stoqTransportProfile } from '../app/stoq'
import { benchHeader, writeBenchResult } from './report'

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '2000' },
    mib: { type: 'string', default: '256' },
    'file-mib': { type: 'string', default: '32' },
  },
})
const OPS = Number(values.ops)
const MIB = Number(values.mib)
const FILE_MIB = Number(values['file-mib'])
const KiB = 1024
const MiB = 1024 * KiB
const PLAIN = '/hm-bench/plain-memory/1.0.0'
const NETWORK = 'e'.repeat(64)
const ASSET = 'f'.repeat(64)

const node = (falcon: { publicKey: Uint8Array; secretKey: Uint8Array }) =>
  createLibp2p({
    ...stoqTransportProfile({ falcon, quic: false, webrtcDirect: false }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  })

interface MemoryLike {
  read(offset: number, length: number): Promise<Uint8Array>
  write(offset: number, data: Uint8Array): Promise<void>
}

/** The baseline: the same request/response framing over a plain stream, into one flat buffer. */
async function servePlain(owner: Libp2p): Promise<void> {
  const memory = new Uint8Array(MIB * MiB + MiB)
  await owner.handle(PLAIN, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 2 * MiB })
    try {
      for (;;) {
        const header = JSON.parse(new TextDecoder().decode((await lp.read()).subarray())) as {
          type: 'read' | 'write'
          offset: number
          length: number
        }
        const ok = new TextEncoder().encode('{"ok":true}')
        if (header.type === 'read')
          await lp.writeV([ok, memory.subarray(header.offset, header.offset + header.length)])
        else {
          memory.set((await lp.read()).subarray(), header.offset)
          await lp.write(ok)
        }
      }
    } catch {
      // The client closed the stream.
    }
  })
}

async function plainClient(connection: Connection): Promise<MemoryLike> {
  const lp = lpStream(await connection.newStream(PLAIN), { maxDataLength: 2 * MiB })
  const header = (h: object) => new TextEncoder().encode(JSON.stringify(h))
  return {
    async read(offset, length) {
      await lp.write(header({ type: 'read', offset, length }))
      await lp.read()
      return (await lp.read()).subarray()
    },
    async write(offset, data) {
      await lp.writeV([header({ type: 'write', offset, length: data.length }), data])
      await lp.read()
    },
  }
}

const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!

async function measure(memory: MemoryLike) {
  const small = new Uint8Array(4 * KiB).fill(1)
  const latency = async (op: (i: number) => Promise<unknown>) => {
    const times: number[] = []
    for (let i = 0; i < OPS; i++) {
      const t = performance.now()
      await op(i)
      times.push(performance.now() - t)
    }
    return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) }
  }
  const writeLatency = await latency((i) => memory.write((i % 1024) * 4 * KiB, small))
  const readLatency = await latency((i) => memory.read((i % 1024) * 4 * KiB, 4 * KiB))
  const big = new Uint8Array(MiB).fill(2)
  const rate = async (op: (i: number) => Promise<unknown>) => {
    const t = performance.now()
    for (let i = 0; i < MIB; i++) await op(i)
    return MIB / ((performance.now() - t) / 1000)
  }
  const writeMiBps = await rate((i) => memory.write(i * MiB, big))
  const readMiBps = await rate((i) => memory.read(i * MiB, MiB))
  return { writeLatencyMs: writeLatency, readLatencyMs: readLatency, writeMiBps, readMiBps }
}

async function main(): Promise<void> {
  const ownerKeys = falcon1024.keygen()
  const [owner, holder] = await Promise.all([node(ownerKeys), node(falcon1024.keygen())])
  const db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-bench-assets-'))))
  const book = new LeaseBook(db, { peerId: owner.peerId.toString(), falcon: ownerKeys, networkId: NETWORK })
  const proxy = new MemoryProxyServer({
    libp2p: owner,
    book,
    asset: () => ({ assetId: ASSET, capacity: BigInt((MIB + 1) * MiB) }),
    refusalFor: () => null,
    log: pino({ level: 'silent' }),
  })
  await proxy.start()
  await servePlain(owner)
  const connection = await holder.dial(owner.getMultiaddrs()[0]!)
  const lease = book.issue({
    assetId: ASSET,
    holder: holder.peerId.toString(),
    amount: BigInt(MIB * MiB),
    durationMs: 3_600_000,
  })
  const results = {
    plainStream: await measure(await plainClient(connection)),
    proxy: await measure(await RemoteMemory.open(connection, lease)),
  }
  const row = (name: string, r: typeof results.proxy) =>
    `  ${name.padEnd(26)} ${r.writeLatencyMs.p50.toFixed(3).padStart(8)} ${r.writeLatencyMs.p99.toFixed(3).padStart(8)} ${r.readLatencyMs.p50.toFixed(3).padStart(8)} ${r.readLatencyMs.p99.toFixed(3).padStart(8)} ${r.writeMiBps.toFixed(0).padStart(9)} ${r.readMiBps.toFixed(0).padStart(9)}`
  console.log(
    `\nRemote memory over STOQ on loopback (${OPS} × 4 KiB for latency, ${MIB} × 1 MiB for throughput)`,
  )
  console.log(
    '                             write ms (p50, p99)  read ms (p50, p99)   write MiB/s  read MiB/s',
  )
  console.log(row('plain libp2p stream', results.plainStream))
  console.log(row('proxy (lease, paged)', results.proxy))
  console.log(
    `  proxy / plain: write ${(results.proxy.writeMiBps / results.plainStream.writeMiBps).toFixed(2)}×, read ${(results.proxy.readMiBps / results.plainStream.readMiBps).toFixed(2)}×`,
  )
  await Promise.all([owner.stop(), holder.stop()])
  db.close()
  const sharded = await measureSharded()
  console.log(`\nSharded storage: ${FILE_MIB} MiB, 3 of 5 holders over STOQ on loopback, against local disk`)
  const line = (name: string, r: { putMiBps: number; getMiBps: number }) =>
    `  ${name.padEnd(36)} put ${r.putMiBps.toFixed(0).padStart(6)} MiB/s   get ${r.getMiBps.toFixed(0).padStart(6)} MiB/s`
  console.log(line('local disk (write + fsync, read)', sharded.localDisk))
  console.log(line('sharded (seal, encode, 5 holders)', sharded.sharded))
  writeBenchResult('assets', {
    ...benchHeader(`npm run bench:assets -- --ops ${OPS} --mib ${MIB} --file-mib ${FILE_MIB}`),
    ...results,
    ...sharded,
  })
}

/** A file put 3 of 5 across five holder nodes and got back, beside the same bytes written to local disk. */
async function measureSharded() {
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-sharded-'))
  const data = new Uint8Array(randomBytes(FILE_MIB * MiB))
  let t = performance.now()
  const fd = openSync(join(dir, 'local.bin'), 'w')
  writeSync(fd, data)
  fsyncSync(fd)
  closeSync(fd)
  const localPut = performance.now() - t
  t = performance.now()
  readFileSync(join(dir, 'local.bin'))
  const localGet = performance.now() - t

  const uploaderKeys = falcon1024.keygen()
  const uploader = await node(uploaderKeys)
  const holders = []
  for (let i = 0; i < 5; i++) holders.push(await startHolder(join(dir, `h${i}`), uploader.peerId.toString()))
  const storage = await Promise.all(
    holders.map(async (h) => RemoteStorage.open(await uploader.dial(h.node.getMultiaddrs()[0]!), h.lease)),
  )
  const kem = storageKemKeys(uploaderKeys.secretKey)
  t = performance.now()
  const manifest = await putSharded(data, storage, kem.publicKey, 3)
  const shardedPut = performance.now() - t
  t = performance.now()
  const back = await getSharded(manifest, storage, kem.secretKey)
  const shardedGet = performance.now() - t
  if (!Buffer.from(back.data).equals(Buffer.from(data)))
    throw new Error('the sharded file came back different')
  await Promise.all(storage.map((s) => s.close()))
  await Promise.all([uploader.stop(), ...holders.map((h) => h.node.stop())])
  holders.forEach((h) => h.db.close())
  rmSync(dir, { recursive: true, force: true })
  const rate = (ms: number): number => FILE_MIB / (ms / 1000)
  return {
    localDisk: { putMiBps: rate(localPut), getMiBps: rate(localGet) },
    sharded: { putMiBps: rate(shardedPut), getMiBps: rate(shardedGet) },
  }
}

/** A holder node with a storage proxy, and a lease on it for `uploader`. */
async function startHolder(dir: string, uploader: string) {
  const falcon = falcon1024.keygen()
  const holderNode = await node(falcon)
  mkdirSync(dir)
  const db = openDatabase(databasePath(dir))
  const book = new LeaseBook(db, { peerId: holderNode.peerId.toString(), falcon, networkId: NETWORK })
  const capacity = BigInt(4 * FILE_MIB * MiB)
  const store = new ShardStore(join(dir, 'shards'), () => ({ quotaBytes: null, keepFreeBytes: 0 }))
  await new StorageProxyServer({
    libp2p: holderNode,
    shards: new LeasedShards(db, store, pino({ level: 'silent' })),
    book,
    asset: () => ({ assetId: ASSET, capacity }),
    refusalFor: () => null,
    log: pino({ level: 'silent' }),
  }).start()
  const lease = book.issue({ assetId: ASSET, holder: uploader, amount: capacity, durationMs: 3_600_000 })
  return { node: holderNode, db, lease }
}

main().catch((err: Error) => {
  console.error(`bench:assets: ${err.stack ?? err.message}`)
  process.exit(1)
})
