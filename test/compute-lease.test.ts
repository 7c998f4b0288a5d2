/**
 * CPU and GPU leases between two libp2p nodes on loopback: a held lease reserves its share of the asset's
 * capacity (a second lease that does not fit is refused until the first is released), says how the owner
 * enforces it, is refused when forged, for another asset, presented by another peer, or expired, and the
 * time it was held comes back as the holder's signed usage receipt.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from 'libp2p'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signLease, type SignedLease } from '../app/consensus'
import type { LeaseBook } from '../app/assets/leases/lease-book'
import { RemoteCompute } from '../app/assets/proxy/compute-client'
import { ComputeProxyServer } from '../app/assets/proxy/compute-proxy'
import type { ProxyRefusal } from '../app/assets/proxy/leased-stream'
import { receiptRefusal, signUsageReceipt, type SignedUsageReceipt } from '../app/consensus'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'

const NETWORK = 'c'.repeat(64)
const CPU_ASSET = 'a'.repeat(64)
const GPU_ASSET = 'b'.repeat(64)

describe('CPU leases: reserved while held, metered by receipts', () => {
  const ownerKeys = falcon1024.keygen()
  const holderKeys = falcon1024.keygen()
  let owner: Libp2p
  let holder: Libp2p
  let stranger: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let server: ComputeProxyServer
  let now = Date.now()
  const receipts: SignedUsageReceipt[] = []

  beforeAll(async () => {
    ;[owner, holder, stranger] = await Promise.all([
      loopbackNode(ownerKeys),
      loopbackNode(holderKeys),
      loopbackNode(falcon1024.keygen()),
    ])
    ;({ db, book } = ownerLeaseBook(owner, ownerKeys, NETWORK, () => now))
    server = new ComputeProxyServer(
      {
        libp2p: owner,
        book,
        // Two cores' worth: leases of 1.5 and 1 cores do not fit together.
        asset: () => ({ assetId: CPU_ASSET, capacity: 2000n }),
        refusalFor: () => null,
        enforcement: () => 'CPU share held by cgroup v2 (kernel)',
        takeReceipt: (receipt, terms) => {
          const refusal = receiptRefusal(receipt, terms, NETWORK)
          if (refusal == null) receipts.push(receipt)
          return refusal
        },
        log: pino({ level: 'silent' }),
        now: () => now,
      },
      'cpu',
    )
    await server.start()
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await Promise.all([owner, holder, stranger].map((n) => n?.stop()))
    db?.close()
  })

  const issue = (millicores: bigint, assetId = CPU_ASSET, holderPeer = holder.peerId.toString()) =>
    book.issue({ assetId, holder: holderPeer, amount: millicores, durationMs: 60_000 })
  const connect = (from: Libp2p) => from.dial(owner.getMultiaddrs()[0]!)
  const refusalCode = async (from: Libp2p, lease: SignedLease): Promise<string> => {
    try {
      const held = await RemoteCompute.open(await connect(from), lease, 'cpu')
      await held.close()
      return 'opened'
    } catch (err) {
      return (err as ProxyRefusal).code
    }
  }

  it('reserves the leased share while held, and says how the owner enforces it', async () => {
    const held = await RemoteCompute.open(await connect(holder), issue(1500n), 'cpu')
    const status = await held.status()
    expect(status.reservedMillicores).toBe(1500)
    expect(status.enforcement).toBe('CPU share held by cgroup v2 (kernel)')
    expect(book.active(CPU_ASSET)).toBe(1)
    const second = issue(1000n)
    expect(await refusalCode(holder, second)).toBe('over-capacity')
    await held.close()
    await expect.poll(() => book.active(CPU_ASSET)).toBe(0)
    expect(await refusalCode(holder, second)).toBe('opened')
  })

  it('refuses a forged lease, one for another asset, one presented by another peer, and an expired one', async () => {
    const good = issue(100n)
    const forged = signLease({ ...good.terms, amount: '2000' }, falcon1024.keygen().secretKey)
    expect(await refusalCode(holder, forged)).toBe('bad-signature')
    expect(await refusalCode(holder, issue(100n, GPU_ASSET))).toBe('wrong-asset')
    expect(await refusalCode(stranger, good)).toBe('wrong-holder')
    const held = await RemoteCompute.open(await connect(holder), good, 'cpu')
    now += 61_000
    await expect(held.status()).rejects.toMatchObject({ code: 'expired' })
    now = Date.now()
    await held.close()
  })

  it('the time a lease is held comes back as the holder’s signed receipt, at the leased share', async () => {
    const lease = issue(500n)
    const held = await RemoteCompute.open(await connect(holder), lease, 'cpu')
    const started = Date.now()
    held.sendReceipts(lease.terms, {
      sign: (terms, startsAt, endsAt) => signUsageReceipt(terms, { startsAt, endsAt }, holderKeys),
    })
    await new Promise((resolve) => setTimeout(resolve, 400))
    await held.close()
    const heldMs = Date.now() - started
    const receipt = receipts.at(-1)!.receipt
    expect(receipt.leaseId).toBe(lease.terms.leaseId)
    // 500 thousandths of a core for about 0.4 s: about 200 thousandth-core-seconds.
    expect(Number(receipt.unitSeconds)).toBeGreaterThanOrEqual(190)
    expect(Number(receipt.unitSeconds)).toBeLessThanOrEqual((500 * heldMs) / 1000)
  })
})
