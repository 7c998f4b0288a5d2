/**
 * Rewards end to end between two libp2p nodes on loopback: the holder of a memory lease sends signed
 * usage receipts over the leased stream, the owner keeps them, claims them on the ledger (real execution
 * of `usage-claim` transactions), and records what the next epoch pays it. Receipts for another chain or
 * for time the stream was not open are refused with the reason, and change nothing stored.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from 'libp2p'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LeaseBook } from '../app/assets/leases/lease-book'
import { RemoteMemory } from '../app/assets/proxy/memory-client'
import { MemoryProxyServer } from '../app/assets/proxy/memory-proxy'
import { RewardsService } from '../app/caesar'
import {
  addressOf,
  DEFAULT_PARAMS,
  DEFAULT_REWARD_SCHEDULE,
  EMPTY_ACCOUNT,
  falcon1024Scheme,
  LedgerState,
  signPeerBinding,
  signUsageReceipt,
  toBase64,
  type ChainParams,
  type TxBody,
} from '../app/consensus'
import { applyTx, beginBlock } from '../app/consensus/execute'
import { signTx } from '../app/consensus/tx'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { loopbackNode, ownerLeaseBook } from './support/lease-owner'

// A network's chain id is its network id.
const NETWORK = 'c'.repeat(64)
const CHAIN = NETWORK
const ASSET = 'd'.repeat(64)
const MiB = 1024 * 1024
// A high memory rate, so that a second of leased memory earns whole base units.
const PARAMS: ChainParams = {
  ...DEFAULT_PARAMS,
  rewards: {
    ...DEFAULT_REWARD_SCHEDULE,
    epochBlocks: 5,
    ratePerUnitHour: { ...DEFAULT_REWARD_SCHEDULE.ratePerUnitHour, memory: '1000000000000' },
  },
}
const silent = pino({ level: 'silent' })

/** A ledger that executes the node's transactions as the chain would, one block at a time. */
class LedgerUnderTest {
  state: LedgerState
  constructor(private readonly keys: { publicKey: Uint8Array; secretKey: Uint8Array }) {
    this.state = new LedgerState(1)
    this.state.timeMs = Date.now()
  }
  /** What the rewards service reads of a chain. */
  get chain(): { chainId: string; params: ChainParams; state: LedgerState; height: number } {
    return { chainId: CHAIN, params: PARAMS, state: this.state, height: this.state.height }
  }
  get address(): string {
    return addressOf(falcon1024Scheme, this.keys.publicKey)
  }
  signAndSubmit(
    body: Omit<Extract<TxBody, { kind: 'usage-claim' }>, 'chainId' | 'from' | 'publicKey' | 'nonce' | 'fee'>,
  ) {
    const tx = signTx(
      {
        ...body,
        chainId: CHAIN,
        from: this.address,
        publicKey: toBase64(this.keys.publicKey),
        nonce: this.state.account(this.address)!.nonce,
        fee: '10',
      } as TxBody,
      falcon1024Scheme,
      this.keys.secretKey,
    )
    const working = this.state.copy()
    // A refusal (LedgerRejection) reaches the rewards service as the real ledger throws it.
    applyTx(
      working,
      tx,
      { chainId: CHAIN, params: PARAMS, scheme: falcon1024Scheme, isRecentAnchor: () => false },
      this.address,
    )
    this.state = working
    return { txId: 'x', nonce: tx.body.nonce }
  }
  nextBlock(): void {
    this.state = beginBlock(this.state, this.state.height + 1, Date.now(), PARAMS)
  }
}

describe('usage receipts: from the leased stream to rewards paid', () => {
  const ownerKeys = falcon1024Scheme.keygen()
  const holderKeys = falcon1024Scheme.keygen()
  let owner: Libp2p
  let holder: Libp2p
  let db: DatabaseSync
  let book: LeaseBook
  let leaseDb: DatabaseSync
  let server: MemoryProxyServer
  let ledger: LedgerUnderTest
  let ownerRewards: RewardsService
  let holderRewards: RewardsService

  beforeAll(async () => {
    const holderIdentity = await generateKeyPair('Ed25519')
    ;[owner, holder] = await Promise.all([loopbackNode(ownerKeys), loopbackNode(holderKeys, holderIdentity)])
    db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-receipts-'))))
    ledger = new LedgerUnderTest(ownerKeys)
    ledger.state.accounts.set(ledger.address, { ...EMPTY_ACCOUNT, balance: 1_000_000n })
    ledger.state.assets.set(ASSET, {
      assetId: ASSET,
      owner: ledger.address,
      resource: 'memory',
      capacity: BigInt(64 * MiB),
      privacy: 'FullPublic',
      peerId: owner.peerId.toString(),
      registeredAt: 1,
    })
    ;({ db: leaseDb, book } = ownerLeaseBook(owner, ownerKeys, NETWORK))
    ownerRewards = new RewardsService({ db, falcon: ownerKeys, ledger: () => ledger, log: silent })
    const holderDb = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-receipts-holder-'))))
    holderRewards = new RewardsService({
      db: holderDb,
      falcon: holderKeys,
      // The holder's receipts carry its binding: the ledger has not recorded one for it.
      binding: await signPeerBinding(holder.peerId.toString(), holderIdentity, {
        publicKey: holderKeys.publicKey,
        sign: (message) => falcon1024Scheme.sign(message, holderKeys.secretKey),
      }),
      ledger: () => ledger,
      log: silent,
    })
    server = new MemoryProxyServer({
      libp2p: owner,
      book,
      asset: () => ({ assetId: ASSET, capacity: BigInt(64 * MiB) }),
      refusalFor: () => null,
      takeReceipt: (receipt, terms, openedAt) =>
        ownerRewards.take(receipt, book.signedLease(terms.leaseId)!, 'memory', openedAt),
      log: silent,
    })
    await server.start()
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    await Promise.all([owner, holder].map((n) => n?.stop()))
    db?.close()
    leaseDb?.close()
  })

  const open = async () => {
    const lease = book.issue({
      assetId: ASSET,
      holder: holder.peerId.toString(),
      amount: BigInt(8 * MiB),
      durationMs: 600_000,
    })
    const memory = await RemoteMemory.open(await holder.dial(owner.getMultiaddrs()[0]!), lease)
    return { lease, memory }
  }

  it('keeps the holder’s receipt, claims it, and records the next epoch’s payout', async () => {
    const { lease, memory } = await open()
    memory.sendReceipts(lease.terms, holderRewards)
    await memory.write(0, new Uint8Array(4096).fill(7))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await memory.close()
    // Kept and claimed at once: the ledger takes it into this epoch's tally.
    expect(ownerRewards.status().receipts).toEqual({ pending: 1, claimed: 0, refused: 0 })
    expect(ledger.state.leaseClaims.get(lease.terms.leaseId)).toBeDefined()
    // The claim bound the holder's peer id to its key on the ledger.
    expect(ledger.state.peerBinding(holder.peerId.toString())?.address).toBe(
      addressOf(falcon1024Scheme, holderKeys.publicKey),
    )
    expect(ownerRewards.status().accruing.memory).not.toBe('0')
    ledger.nextBlock()
    ownerRewards.onBlock() // sees it on the ledger
    expect(ownerRewards.status().receipts).toEqual({ pending: 0, claimed: 1, refused: 0 })

    const before = ledger.state.account(ledger.address)!.balance
    while (ledger.state.height % PARAMS.rewards!.epochBlocks !== 0) ledger.nextBlock()
    ownerRewards.onBlock()
    const status = ownerRewards.status()
    expect(status.history).toHaveLength(1)
    const paid = BigInt(status.history[0]!.byResource.memory)
    expect(paid).toBeGreaterThan(0n)
    expect(ledger.state.account(ledger.address)!.balance - before).toBe(paid)
    expect(status.lifetime).toBe(paid.toString())
    expect(status.ratePerHour).toBeGreaterThan(0)
  })

  it('refuses receipts for another network or for time before the stream opened, keeping nothing', async () => {
    const before = ownerRewards.status().receipts
    const { lease, memory } = await open()
    memory.sendReceipts(lease.terms, {
      sign: (terms, startsAt, endsAt) =>
        signUsageReceipt({ ...terms, networkId: 'f'.repeat(64) }, { startsAt, endsAt }, holderKeys),
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await memory.sendReceipt()).toBe('the receipt is for another network')
    memory.sendReceipts(lease.terms, {
      sign: (terms, _startsAt, endsAt) =>
        signUsageReceipt(terms, { startsAt: terms.startsAt - 60_000, endsAt }, holderKeys),
    })
    expect(await memory.sendReceipt()).toMatch(/outside the lease|not in use/)
    // The owner's own key cannot stand in for the holder.
    memory.sendReceipts(lease.terms, {
      sign: (terms, startsAt, endsAt) =>
        signUsageReceipt(terms, { startsAt, endsAt: endsAt + 10 }, ownerKeys),
    })
    expect(await memory.sendReceipt()).toMatch(/not the one bound to holder/)
    // Nor can any other key: the holder's peer id is bound to its own (issue 17, item 5).
    const fresh = falcon1024Scheme.keygen()
    memory.sendReceipts(lease.terms, {
      sign: (terms, startsAt, endsAt) => signUsageReceipt(terms, { startsAt, endsAt: endsAt + 10 }, fresh),
    })
    expect(await memory.sendReceipt()).toMatch(/not the one bound to holder/)
    // The stream still serves the lease after refused receipts.
    await memory.write(0, new Uint8Array([1, 2, 3]))
    expect([...(await memory.read(0, 3))]).toEqual([1, 2, 3])
    await memory.close()
    expect(ownerRewards.status().receipts).toEqual(before)
  })

  it('takes no receipt for CPU or GPU time held: those earn from the measured work of jobs', async () => {
    const before = ownerRewards.status().receipts
    const { lease, memory } = await open()
    await memory.close()
    const receipt = signUsageReceipt(
      lease.terms,
      { startsAt: Date.now() - 1000, endsAt: Date.now() },
      holderKeys,
    )
    expect(receipt).not.toBeNull()
    for (const kind of ['cpu', 'gpu'] as const)
      expect(ownerRewards.take(receipt!, lease, kind, Date.now() - 2000)).toMatch(/measured work of jobs/)
    expect(ownerRewards.status().receipts).toEqual(before)
  })
})
