/**
 * Issue 17, item 2: every sync-request read, parsed and encoded up to 32 stored blocks, for anyone, as
 * often as asked. Now only a peer that is behind is answered, at a bounded rate, from a cache.
 */
import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { growTestChain, TEST_CHAIN, testGenesis } from '../../test/support/ledger-fixture'
import { blockSize } from './block'
import { Chain, type BlockStore, type CommittedBlock } from './chain'
import { ConsensusDriver, type Clock } from './driver'
import { MemoryBlockStore } from './memory-store'
import { MAX_MESSAGE_BYTES, SYNC_BATCH, type ConsensusMessage } from './messages'
import { SYNC_REQUEST_BURST, SyncServer } from './sync-server'

/** A block store that counts reads. */
class CountingStore implements BlockStore {
  reads = 0
  constructor(private readonly inner: BlockStore) {}
  append(entry: CommittedBlock): void {
    this.inner.append(entry)
  }
  all(): Iterable<CommittedBlock> {
    return this.inner.all()
  }
  get(height: number): CommittedBlock | undefined {
    this.reads++
    return this.inner.get(height)
  }
}

const GOSSIP_MS = 200

function servingNode(blocks: number) {
  const store = new CountingStore(new MemoryBlockStore())
  const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, store)
  growTestChain(chain, blocks)
  let now = 0
  const clock: Clock = { now: () => now, setTimer: () => () => {} }
  const sent: { peer: string; message: ConsensusMessage }[] = []
  const refused: string[] = []
  const driver = new ConsensusDriver(
    chain,
    null,
    clock,
    { broadcast: () => {}, send: (peer, message) => sent.push({ peer, message }) },
    { refused: (what, reason, peer) => refused.push(`${peer} ${what}: ${reason}`) },
    GOSSIP_MS,
  )
  driver.start()
  store.reads = 0
  return { chain, store, driver, sent, refused, advance: (ms: number) => (now += ms) }
}

describe('serving sync requests', () => {
  it('a flood of requests is answered at a bounded rate, from one read of the store', () => {
    const node = servingNode(40)
    for (let i = 0; i < 1_000; i++) node.driver.receive('flooder', { type: 'sync-request', fromHeight: 1 })
    expect(node.sent).toHaveLength(SYNC_REQUEST_BURST)
    expect(node.store.reads).toBe(SYNC_BATCH)
    expect(node.refused).toHaveLength(1_000 - SYNC_REQUEST_BURST)
    expect(node.refused[0]).toMatch(/^flooder sync-request: too many sync requests/)
    // The steady rate: one more per gossip interval, still from the cache.
    node.advance(GOSSIP_MS)
    node.driver.receive('flooder', { type: 'sync-request', fromHeight: 1 })
    node.driver.receive('flooder', { type: 'sync-request', fromHeight: 1 })
    expect(node.sent).toHaveLength(SYNC_REQUEST_BURST + 1)
    expect(node.store.reads).toBe(SYNC_BATCH)
    // Every answer is the one cached message, so the transport encodes it once.
    expect(new Set(node.sent.map((s) => s.message)).size).toBe(1)
    const [first] = node.sent
    expect(first!.message.type === 'sync-response' && first!.message.entries.length).toBe(SYNC_BATCH)
    node.driver.stop()
  })

  it('serves only a peer that is behind', () => {
    const node = servingNode(5)
    node.driver.receive('ahead', { type: 'sync-request', fromHeight: 6 })
    expect(node.sent).toEqual([])
    node.driver.receive('liar', { type: 'status', height: 5 })
    node.driver.receive('liar', { type: 'sync-request', fromHeight: 2 })
    expect(node.sent).toEqual([])
    expect(node.refused).toEqual([
      'liar sync-request: the peer asked for block 2 but said it holds blocks up to 5',
    ])
    expect(node.store.reads).toBe(0)
    node.driver.receive('laggard', { type: 'status', height: 2 })
    node.driver.receive('laggard', { type: 'sync-request', fromHeight: 3 })
    expect(node.sent.map((s) => s.peer)).toEqual(['laggard'])
    node.driver.stop()
  })

  it('a batch at the tip is read again once the chain has grown', () => {
    const node = servingNode(3)
    node.driver.receive('a', { type: 'sync-request', fromHeight: 2 })
    growTestChain(node.chain, 2)
    node.advance(GOSSIP_MS)
    node.driver.receive('a', { type: 'sync-request', fromHeight: 2 })
    const sizes = node.sent.map((s) => (s.message.type === 'sync-response' ? s.message.entries.length : 0))
    expect(sizes).toEqual([2, 4])
    node.driver.stop()
  })

  it('a batch of large blocks stops before the message limit, but always carries one block', () => {
    const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
    growTestChain(chain, 4)
    // Blocks of about 20 MiB: one transaction object many times (its size is computed once).
    const stored = [1, 2, 3, 4].map((h) => chain.store.get(h)!)
    const tx = {
      body: {
        kind: 'transfer' as const,
        chainId: TEST_CHAIN,
        from: 'ab'.repeat(20),
        publicKey: 'A'.repeat(4096),
        nonce: 0,
        fee: '1',
        to: 'cd'.repeat(20),
        amount: '1',
      },
      signature: 'B'.repeat(4096),
    }
    const big = stored.map((e) => ({ ...e, block: { ...e.block, txs: Array<typeof tx>(2_500).fill(tx) } }))
    const server = new SyncServer({ get: (h) => big[h - 1] }, () => 0, GOSSIP_MS)
    const answer = server.serve('peer', 1, 4)
    expect(answer != null && 'message' in answer).toBe(true)
    const message = (answer as { message: ConsensusMessage }).message
    expect(message.type === 'sync-response' && message.entries.length).toBe(3)
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
    // A single block larger than a third of the limit still goes alone.
    const huge = { ...big[3]!, block: { ...big[3]!.block, txs: Array<typeof tx>(6_000).fill(tx) } }
    expect(blockSize(huge.block)).toBeGreaterThan(MAX_MESSAGE_BYTES / 2)
    const alone = new SyncServer({ get: (h) => (h === 1 ? huge : big[h - 1]) }, () => 0, GOSSIP_MS)
    const one = alone.serve('peer', 1, 4) as { message: ConsensusMessage }
    expect(one.message.type === 'sync-response' && one.message.entries.length).toBe(1)
  })
})
