import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../codec'
import type { ConsensusMessage } from '../messages'
import { falcon1024Scheme } from '../signature-scheme'
import { addressOf, hasTxVerdict, signTx, type SignedTx } from '../tx'
import { buildWorker } from '../../../test/support/worker-build'
import { PreverifiedInbox, transactionsIn } from './preverified-inbox'
import { blockHash } from '../block'
import { Chain } from '../chain'
import { ConsensusDriver } from '../driver'
import { MemoryBlockStore } from '../memory-store'
import { signProposal } from '../votes'
import { ed25519Scheme } from '../../../test/sim/ed25519-scheme'
import {
  buildTestBlock,
  commitFor,
  TEST_CHAIN,
  testGenesis,
  testTransfer,
  testValidators,
} from '../../../test/support/ledger-fixture'
import { TxSignaturePool } from './signature-pool'
import { VerificationCache } from '../verification-cache'
import { startSignatureWorkers, txVerifierThreads } from '../../node/workers/signature-workers'

const log = pino({ level: 'silent' })
const keys = falcon1024.keygen(new Uint8Array(48).fill(11))
const from = addressOf(falcon1024Scheme, keys.publicKey)
let nonce = 0
const txMessage = (): { type: 'tx'; tx: SignedTx } => ({
  type: 'tx',
  tx: signTx(
    {
      kind: 'transfer',
      chainId: 'b'.repeat(64),
      from,
      publicKey: toBase64(keys.publicKey),
      nonce: nonce++,
      fee: '1',
      to: 'ef'.repeat(20),
      amount: '1',
    },
    falcon1024Scheme,
    keys.secretKey,
  ),
})
const status = (height: number): ConsensusMessage => ({ type: 'status', height })

let pool: TxSignaturePool
const cache = new VerificationCache()
beforeAll(async () => {
  const file = await buildWorker('app/node/workers/signature-worker.ts')
  pool = TxSignaturePool.owning(
    txVerifierThreads(startSignatureWorkers(log, { threads: 2, file })!),
    'falcon-1024',
    cache,
  )
}, 60_000)
afterAll(() => pool.stop())

function recordingInbox(maxWaiting?: number) {
  const delivered: ConsensusMessage[] = []
  const verifiedOnDelivery: boolean[] = []
  const inbox = new PreverifiedInbox(
    pool,
    (_from, message) => {
      delivered.push(message)
      if (message.type === 'tx') verifiedOnDelivery.push(hasTxVerdict(message.tx, falcon1024Scheme, cache))
    },
    log,
    { maxWaiting },
  )
  return { inbox, delivered, verifiedOnDelivery }
}

describe('PreverifiedInbox delivers transactions once their signatures are known', () => {
  it('keeps the order of messages with transactions; votes and status do not wait behind them', async () => {
    const { inbox, delivered, verifiedOnDelivery } = recordingInbox()
    const [a, b, c] = [txMessage(), txMessage(), txMessage()]
    inbox.push('peer', a)
    inbox.push('peer', b)
    inbox.push('peer', status(5))
    inbox.push('peer', c)
    expect(delivered).toEqual([status(5)])
    await inbox.drained()
    expect(delivered).toEqual([status(5), a, b, c])
    expect(verifiedOnDelivery).toEqual([true, true, true])
  })

  it('a handler that throws does not stop what comes after it', async () => {
    const seen: ConsensusMessage[] = []
    const inbox = new PreverifiedInbox(
      pool,
      (_from, message) => {
        seen.push(message)
        if (seen.length === 1) throw new Error('handler failed')
      },
      log,
    )
    const [a, b] = [txMessage(), txMessage()]
    inbox.push('peer', a)
    inbox.push('peer', b)
    await inbox.drained()
    expect(seen).toEqual([a, b])
  })

  it('when too many wait, gossiped transactions are dropped; a closed inbox delivers nothing', async () => {
    const { inbox, delivered } = recordingInbox(2)
    const messages = [txMessage(), txMessage(), txMessage()]
    for (const m of messages) inbox.push('peer', m)
    expect(inbox.dropped).toBe(1)
    await inbox.drained()
    expect(delivered).toEqual(messages.slice(0, 2))

    const later = txMessage()
    inbox.push('peer', later)
    inbox.close()
    inbox.push('peer', status(9))
    await inbox.drained()
    expect(delivered).toEqual(messages.slice(0, 2))
  })
})

describe('the driver’s cheap checks run before any transaction is verified (issue 17, item 10)', () => {
  const falconTxs = (count: number, chainId = TEST_CHAIN): SignedTx[] =>
    Array.from({ length: count }, () => ({ ...txMessage().tx, body: { ...txMessage().tx.body, chainId } }))

  it('a proposal from the wrong proposer or height, a sync response with a forged commit, and a transaction from an unknown account are dropped unverified', async () => {
    // Room for FALCON-signed transactions (about 4.4 KiB each).
    const genesis = { ...testGenesis, params: { ...testGenesis.params, maxTxBytes: 32_768 } }
    const chain = new Chain(TEST_CHAIN, genesis, ed25519Scheme, new MemoryBlockStore())
    const clock = { now: () => 1_000, setTimer: () => () => {} }
    const refusals: string[] = []
    const driver = new ConsensusDriver(
      chain,
      null,
      clock,
      { broadcast: () => {}, send: () => {} },
      { refused: (what, reason, peer) => refusals.push(`${peer}: ${what}: ${reason}`) },
    )
    driver.start()
    const delivered: ConsensusMessage[] = []
    const inbox = new PreverifiedInbox(pool, (_from, m) => delivered.push(m), log, {
      worthVerifying: (from, m) => driver.worthVerifying(from, m),
    })
    const proposerIndex = testValidators.findIndex((v) => v.address === driver.proposer(1, 0))
    const other = (proposerIndex + 1) % testValidators.length
    const empty = buildTestBlock(chain, other, null, 500)
    const signed = (by: number, height: number) =>
      signProposal(
        {
          chainId: TEST_CHAIN,
          height,
          round: 0,
          validRound: -1,
          blockHash: blockHash(empty.header),
          proposer: testValidators[by]!.address,
        },
        {
          scheme: ed25519Scheme,
          address: testValidators[by]!.address,
          secretKey: testValidators[by]!.secretKey,
        },
      )
    const junk: ConsensusMessage[] = [
      { type: 'proposal', proposal: signed(other, 1), block: { ...empty, txs: falconTxs(40) } },
      { type: 'proposal', proposal: signed(proposerIndex, 7), block: { ...empty, txs: falconTxs(40) } },
      {
        type: 'sync-response',
        entries: [{ block: { ...empty, txs: falconTxs(40) }, commit: commitFor(empty, [0]) }],
      },
      { type: 'tx', tx: falconTxs(1)[0]! },
    ]
    for (const message of junk) inbox.push('12D3KooWstranger', message)
    await inbox.drained()
    expect(delivered).toEqual([])
    expect(inbox.refused).toBe(junk.length)
    for (const tx of junk.flatMap(transactionsIn))
      expect(hasTxVerdict(tx, falcon1024Scheme, cache)).toBe(false)
    expect(refusals).toEqual([
      expect.stringMatching(/^12D3KooWstranger: proposal: .*this round's proposer is/),
      expect.stringMatching(/^12D3KooWstranger: sync-response: commit has \d+ of \d+ voting power/),
      expect.stringMatching(/^12D3KooWstranger: tx: account [0-9a-f]{40} has never received funds/),
    ])

    // A transaction from a funded account is worth verifying, and is verified before it is delivered.
    const fundedTx = testTransfer(0)
    inbox.push('12D3KooWfriend', { type: 'tx', tx: fundedTx })
    await inbox.drained()
    expect(delivered).toEqual([{ type: 'tx', tx: fundedTx }])
    expect(hasTxVerdict(fundedTx, falcon1024Scheme, cache)).toBe(true)
    driver.stop()
  })
})
