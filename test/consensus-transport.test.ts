/**
 * The consensus transport between two real libp2p nodes (STOQ over TCP on loopback, yamux), each with the
 * real transport and consensus driver over a chain in SQLite (Ed25519 keys, the simulator's scheme, so
 * that a full block's transactions can be signed in seconds). Issue 17:
 *
 * - item 4: messages over 4 MiB were reset by the stream reader's default buffer limit, so a full block
 *   (about 22 MiB at the default parameters) could never be proposed or synced;
 * - item 7: every refused message was a warning line, and the stream stayed open;
 * - item 12: a consensus stream could be held with nothing sent until the connection's 120 s timeout.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stoqTransportProfile } from '../app/stoq'
import { blockHash, blockSize } from '../app/consensus/block'
import { Chain } from '../app/consensus/chain'
import { ConsensusDriver, type Clock } from '../app/consensus/driver'
import { CONSENSUS_PROTOCOL, Libp2pConsensusTransport } from '../app/consensus/ledger/consensus-transport'
import { SqliteBlockStore } from '../app/consensus/ledger/block-store'
import { MAX_MESSAGE_BYTES, type ConsensusMessage } from '../app/consensus/messages'
import type { GenesisConsensus } from '../app/consensus/params'
import { addressOf } from '../app/consensus/tx'
import { signProposal, signVote } from '../app/consensus/votes'
import { databasePath, openDatabase } from '../app/node/storage/database'
import { ed25519Scheme } from './sim/ed25519-scheme'
import { waitFor } from './support/daemon'
import { commitFor, TEST_CHAIN, testGenesis, testTransfer, testValidators } from './support/ledger-fixture'

const MiB = 1024 * 1024
const base = mkdtempSync(join(tmpdir(), 'hm-consensus-transport-'))
const funded = (() => {
  const keys = ed25519Scheme.keygen(new Uint8Array(32).fill(77))
  return { ...keys, address: addressOf(ed25519Scheme, keys.publicKey) }
})()
const genesis: GenesisConsensus = {
  ...testGenesis,
  // The default parameters' block limits; the simulator's timeouts.
  params: { ...testGenesis.params, maxBlockTxs: 100_000, maxTxBytes: 32_768 },
  balances: [{ address: funded.address, amount: '1000000000000' }],
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
}

/** Log lines, parsed, as the node's file would get them. */
function capturedLog() {
  const lines: Record<string, unknown>[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  return { log, lines }
}

async function stoqNode(): Promise<Libp2p> {
  return createLibp2p({
    ...stoqTransportProfile({ falcon: falcon1024.keygen() }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    // Both nodes share this process's event loop, which building and checking a full block holds for
    // seconds; pings timing out would close the connection, which separate processes would not do.
    connectionMonitor: { enabled: false },
  })
}

/** One node's consensus: chain in SQLite, the real transport, the real driver (an observer). */
function consensusNode(
  libp2p: Libp2p,
  peer: Libp2p,
  name: string,
  options: { readIdleMs?: number; refusalIntervalMs?: number } = {},
) {
  const dir = join(base, name)
  mkdirSync(dir)
  const db = openDatabase(databasePath(dir))
  // The blocks table references networks; a bare row for the chain is enough here.
  db.prepare(
    'INSERT INTO networks (network_id, name, genesis, own_devnet, joined_at) VALUES (?, ?, ?, 0, 0)',
  ).run(TEST_CHAIN, 'test', '{}')
  const chain = new Chain(TEST_CHAIN, genesis, ed25519Scheme, new SqliteBlockStore(db, TEST_CHAIN))
  const { log, lines } = capturedLog()
  const other = peer.peerId.toString()
  const transport = new Libp2pConsensusTransport({
    libp2p,
    log,
    members: () => [other],
    isMember: (p) => p === other,
    readIdleMs: options.readIdleMs,
    refusals: { intervalMs: options.refusalIntervalMs },
  })
  const received: ConsensusMessage[] = []
  const driver = new ConsensusDriver(chain, null, systemClock, transport, {
    refused: (what, reason, from) => transport.refused(from ?? null, what, reason),
  })
  return {
    chain,
    transport,
    driver,
    received,
    lines,
    async start() {
      await transport.start((from, message) => {
        received.push(message)
        driver.receive(from, message)
      })
      driver.start()
    },
    async stop() {
      driver.stop()
      await transport.stop()
      db.close()
    },
  }
}

let a: Libp2p
let b: Libp2p

beforeAll(async () => {
  ;[a, b] = await Promise.all([stoqNode(), stoqNode()])
  await a.dial(b.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(15_000) })
  // The dialer is done first; the listener finishes its side of the upgrade just after.
  await waitFor('B to hold the connection', () => b.getConnections(a.peerId).some((c) => c.status === 'open'))
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  rmSync(base, { recursive: true, force: true })
})

const rawStream = async (): Promise<Stream> =>
  (await a.dialProtocol(b.peerId, CONSENSUS_PROTOCOL, { signal: AbortSignal.timeout(10_000) })) as Stream

describe('a full block between two nodes (issue 17, item 4)', () => {
  it('is proposed and synced over the consensus transport, and committed by the lagging node', async () => {
    const nodeA = consensusNode(a, b, 'full-a')
    const nodeB = consensusNode(b, a, 'full-b')
    await nodeA.start()
    await nodeB.start()
    try {
      // About 22 MiB: a full default block (5,000 FALCON-signed transfers) is about that size.
      const first = testTransfer(0, funded)
      const count = Math.ceil((22 * MiB) / (JSON.stringify(first).length + 1))
      const txs = [first, ...Array.from({ length: count - 1 }, (_, i) => testTransfer(i + 1, funded))]
      const proposer = testValidators.find((v) => v.address === nodeA.driver.proposer(1, 0))!
      const block = nodeA.chain.buildBlock({
        signer: proposer.signer,
        plot: proposer.plot,
        location: { peerId: proposer.peerId, addrs: [] },
        txs,
        evidence: [],
        lastCommit: null,
        timeMs: Date.now(),
      })
      expect(block.txs).toHaveLength(count)
      expect(blockSize(block)).toBeGreaterThan(20 * MiB)
      const key = { scheme: ed25519Scheme, address: proposer.address, secretKey: proposer.secretKey }
      const proposal = signProposal(
        {
          chainId: TEST_CHAIN,
          height: 1,
          round: 0,
          validRound: -1,
          blockHash: blockHash(block.header),
          proposer: proposer.address,
        },
        key,
      )
      nodeA.transport.send(b.peerId.toString(), { type: 'proposal', proposal, block })
      await waitFor(
        'B to receive the proposal',
        () => nodeB.received.some((m) => m.type === 'proposal'),
        60_000,
      )
      const delivered = nodeB.received.find((m) => m.type === 'proposal')!
      expect(delivered.type === 'proposal' && blockHash(delivered.block.header)).toBe(blockHash(block.header))

      // A commits it; B, behind, asks for it and gets it in a sync response.
      nodeA.chain.commit(block, commitFor(block, [0, 1, 2]))
      await waitFor('B to sync the full block', () => nodeB.chain.height === 1, 90_000)
      expect(nodeB.chain.lastHash).toBe(nodeA.chain.lastHash)
      expect(nodeB.chain.state.root()).toBe(nodeA.chain.state.root())
      expect(nodeB.received.some((m) => m.type === 'sync-response')).toBe(true)
      expect(nodeA.transport.counters.dropped).toBe(0)
    } finally {
      await nodeA.stop()
      await nodeB.stop()
    }
  }, 240_000)

  it('a message declared over the limit is refused, logged with its size, and its stream closed', async () => {
    const nodeB = consensusNode(b, a, 'over-b')
    await nodeB.start()
    try {
      const stream = await rawStream()
      stream.send(varintOf(MAX_MESSAGE_BYTES + 1))
      stream.send(new Uint8Array(1024))
      await waitFor('B to close the stream', () => stream.status !== 'open', 10_000)
      const refusal = nodeB.lines.find((l) => l.msg === 'consensus refused a message')
      expect(refusal).toMatchObject({ peer: a.peerId.toString(), what: 'message' })
      expect(String(refusal?.reason)).toContain(String(MAX_MESSAGE_BYTES + 1))
    } finally {
      await nodeB.stop()
    }
  })
})

describe('refused messages (issue 17, item 7)', () => {
  it('20,000 votes from a non-validator make a few log lines, and the peer is disconnected', async () => {
    // No summary falls due during the test: the lines it writes are counted below.
    const nodeB = consensusNode(b, a, 'flood-b', { refusalIntervalMs: 10 * 60_000 })
    await nodeB.start()
    try {
      const outsider = ed25519Scheme.keygen(new Uint8Array(32).fill(99))
      const address = addressOf(ed25519Scheme, outsider.publicKey)
      const vote = signVote(
        { type: 'prevote', chainId: TEST_CHAIN, height: 1, round: 0, blockHash: null, validator: address },
        { scheme: ed25519Scheme, address, secretKey: outsider.secretKey },
      )
      const frame = new TextEncoder().encode(JSON.stringify({ type: 'vote', vote }))
      const stream = await rawStream()
      const lp = lpStream(stream)
      let written = 0
      try {
        for (; written < 20_000; written++) await lp.write(frame)
      } catch {
        // B closed the stream on us: the point of the test.
      }
      await waitFor('B to disconnect A', () => nodeB.transport.counters.disconnected === 1, 30_000)
      await waitFor('the stream to be closed', () => stream.status !== 'open', 10_000)
      const refusals = nodeB.transport.counters.refused
      expect(refusals).toBeGreaterThanOrEqual(256)
      expect(refusals).toBeLessThan(20_000)
      // The first refusal, and the disconnect: nothing per message.
      expect(nodeB.lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
        'consensus refused a message',
        'disconnected a peer whose consensus messages kept being refused',
      ])
      // A new stream is closed at once, and nothing on it reaches consensus.
      const again = await rawStream().catch(() => null)
      if (again != null) {
        await lpStream(again)
          .write(frame)
          .catch(() => {})
        await waitFor('the new stream to be closed', () => again.status !== 'open', 10_000)
      }
      expect(nodeB.transport.counters.refused).toBe(refusals)
      await nodeB.transport.stop()
      // On stopping, the rest is summarized in one line.
      const summaries = nodeB.lines.filter((l) => l.msg === 'consensus refused messages (summary)')
      expect(summaries).toHaveLength(1)
      expect(summaries[0]).toMatchObject({ peer: a.peerId.toString(), refused: refusals })
    } finally {
      await nodeB.stop()
    }
  })
})

describe('a consensus stream with nothing on it (issue 17, item 12)', () => {
  it('is closed after the read deadline', async () => {
    const nodeB = consensusNode(b, a, 'idle-b', { readIdleMs: 500 })
    await nodeB.start()
    try {
      const stream = await rawStream()
      const opened = Date.now()
      await waitFor('B to close the idle stream', () => stream.status !== 'open', 10_000)
      expect(Date.now() - opened).toBeGreaterThanOrEqual(400)
      // A stream that keeps sending stays open past the deadline.
      const live = await rawStream()
      const lp = lpStream(live)
      const status = new TextEncoder().encode(JSON.stringify({ type: 'status', height: 0 }))
      for (let i = 0; i < 10; i++) {
        await lp.write(status)
        await new Promise((r) => setTimeout(r, 150))
      }
      expect(live.status).toBe('open')
      live.abort(new Error('done'))
    } finally {
      await nodeB.stop()
    }
  })
})

/** An unsigned LEB128 varint: the length prefix of a frame. */
function varintOf(value: number): Uint8Array {
  const out: number[] = []
  for (let v = value; ; v = Math.floor(v / 128)) {
    if (v < 128) return new Uint8Array([...out, v])
    out.push((v % 128) | 128)
  }
}
