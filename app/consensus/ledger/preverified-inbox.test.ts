import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../codec'
import type { ConsensusMessage } from '../messages'
import { falcon1024Scheme } from '../signature-scheme'
import { addressOf, hasTxVerdict, signTx, type SignedTx } from '../tx'
import { buildWorker } from '../../../test/support/worker-build'
import { PreverifiedInbox } from './preverified-inbox'
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
    maxWaiting,
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
