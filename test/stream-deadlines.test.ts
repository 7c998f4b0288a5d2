/**
 * Deadlines on the owner's side of the lease and proxy streams (issue 17, item 12): a peer that opens a
 * stream and says nothing, or stops halfway through a request, or goes silent on a held lease, has it
 * closed once the deadline passes, not after the muxer's 120 s of inactivity; the lease is released. A
 * holder's client keeps an idle stream open with its keep-alive. Deadlines here are shortened (the
 * node's are 10 s to the lease, 30 s a frame, 90 s between requests).
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LeaseBook } from '../app/assets/leases/lease-book'
import { LEASE_REQUEST_PROTOCOL, LeaseRequestServer } from '../app/assets/leases/lease-requests'
import { RemoteMemory } from '../app/assets/proxy/memory-client'
import { MEMORY_PROXY_PROTOCOL, MemoryProxyServer } from '../app/assets/proxy/memory-proxy'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'

const NETWORK = 'c'.repeat(64)
const ASSET = 'd'.repeat(64)
const MiB = 1024 * 1024
const DEADLINES = { openMs: 400, frameMs: 400, idleMs: 1_200 }
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/** Resolves with how long the owner took to end the stream (reads until it does); null: not within `ms`. */
async function endedWithin(stream: Stream, ms: number): Promise<number | null> {
  const started = performance.now()
  const lp = lpStream(stream)
  const ended = (async () => {
    try {
      for (;;) await lp.read()
    } catch {
      return performance.now() - started
    }
  })()
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))
  return Promise.race([ended, timeout])
}

describe('deadlines on lease and proxy streams', () => {
  const ownerKeys = falcon1024.keygen()
  let owner: Libp2p
  let holder: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let memory: MemoryProxyServer
  let leases: LeaseRequestServer

  beforeAll(async () => {
    ;[owner, holder] = await Promise.all([loopbackNode(ownerKeys), loopbackNode(falcon1024.keygen())])
    ;({ db, book } = ownerLeaseBook(owner, ownerKeys, NETWORK))
    const log = pino({ level: 'silent' })
    memory = new MemoryProxyServer({
      libp2p: owner,
      book,
      asset: () => ({ assetId: ASSET, capacity: BigInt(64 * MiB) }),
      refusalFor: () => null,
      log,
      deadlines: DEADLINES,
    })
    leases = new LeaseRequestServer(
      owner,
      {
        grant: () => {
          throw new Error('not in this test')
        },
        requiredProofs: () => [],
        proofParams: () => ({ workDifficultyBits: 8, vdfSquarings: 2_000 }),
        ledger: { bondedOf: () => 0n, hasProvenSpace: () => false },
      },
      log,
      DEADLINES,
    )
    await Promise.all([memory.start(), leases.start()])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([memory?.stop(), leases?.stop()])
    await Promise.all([owner, holder].map((n) => n?.stop()))
    db?.close()
  })

  const connect = () => holder.dial(owner.getMultiaddrs()[0]!)
  const issue = () =>
    book.issue({ assetId: ASSET, holder: holder.peerId.toString(), amount: BigInt(MiB), durationMs: 600_000 })

  it('closes a proxy stream that presents no lease', async () => {
    const stream = await (await connect()).newStream(MEMORY_PROXY_PROTOCOL)
    expect(await endedWithin(stream, 5_000)).not.toBeNull()
  })

  it('closes a lease request stream that asks nothing', async () => {
    const stream = await (await connect()).newStream(LEASE_REQUEST_PROTOCOL)
    expect(await endedWithin(stream, 5_000)).not.toBeNull()
  })

  it('closes a stream whose request data stops coming, and releases its lease', async () => {
    const lease = issue()
    const stream = await (await connect()).newStream(MEMORY_PROXY_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(encode({ type: 'open', lease }))
    expect(JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))).toMatchObject({ ok: true })
    // A write of 4 bytes is announced; they never come.
    await lp.write(encode({ type: 'write', offset: 0, length: 4 }))
    const ms = await endedWithin(stream, 5_000)
    expect(ms).not.toBeNull()
    expect(ms!).toBeLessThan(DEADLINES.idleMs)
    await expect.poll(() => book.statusOf(lease.terms.leaseId)).toBe('released')
  })

  it('closes a held lease that goes silent between requests, and releases it', async () => {
    const lease = issue()
    const stream = await (await connect()).newStream(MEMORY_PROXY_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(encode({ type: 'open', lease }))
    await lp.read()
    const ms = await endedWithin(stream, 5_000)
    expect(ms).not.toBeNull()
    expect(ms!).toBeGreaterThan(DEADLINES.idleMs - 200)
    await expect.poll(() => book.statusOf(lease.terms.leaseId)).toBe('released')
  })

  it('the holder’s client keeps an idle lease open with its keep-alive', async () => {
    const lease = issue()
    const held = await RemoteMemory.open(await connect(), lease, { keepAliveMs: 300 })
    await held.write(0, new Uint8Array([42]))
    // Three idle deadlines pass with no request but the keep-alive.
    await new Promise((resolve) => setTimeout(resolve, 3 * DEADLINES.idleMs))
    expect(await held.read(0, 1)).toEqual(new Uint8Array([42]))
    expect(book.statusOf(lease.terms.leaseId)).toBe('active')
    await held.close()
  }, 15_000)
})
