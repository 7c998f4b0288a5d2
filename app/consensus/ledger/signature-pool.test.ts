import { writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../codec'
import { falcon1024Scheme } from '../signature-scheme'
import { addressOf, hasTxVerdict, signTx, verifyTxSignature, type SignedTx } from '../tx'
import { rejectionCode } from '../../../test/support/ledger-fixture'
import { buildWorker } from '../../../test/support/worker-build'
import { VerificationCache } from '../verification-cache'
import { TxSignaturePool } from './signature-pool'
import {
  falconWorkerSigner,
  startSignatureWorkers,
  txVerifierThreads,
} from '../../node/workers/signature-workers'

const CHAIN = 'f'.repeat(64)
const log = pino({ level: 'silent' })
const alice = falcon1024.keygen(new Uint8Array(48).fill(7))
const mallory = falcon1024.keygen(new Uint8Array(48).fill(9))
const aliceAddress = addressOf(falcon1024Scheme, alice.publicKey)

let nonce = 0
function transfer(overrides: { publicKey?: Uint8Array; secretKey?: Uint8Array } = {}): SignedTx {
  return signTx(
    {
      kind: 'transfer',
      chainId: CHAIN,
      from: aliceAddress,
      publicKey: toBase64(overrides.publicKey ?? alice.publicKey),
      nonce: nonce++,
      fee: '1',
      to: 'cd'.repeat(20),
      amount: '10',
    },
    falcon1024Scheme,
    overrides.secretKey ?? alice.secretKey,
  )
}

let workerFile: string
let pool: TxSignaturePool
const cache = new VerificationCache()

/** A pool on threads of its own, from `file`, remembering verdicts in `verdicts`. */
const ownPool = (file: string, threads: number, verdicts = cache): TxSignaturePool =>
  TxSignaturePool.owning(
    txVerifierThreads(startSignatureWorkers(log, { threads, file })!),
    'falcon-1024',
    verdicts,
  )

beforeAll(async () => {
  workerFile = await buildWorker('app/node/workers/signature-worker.ts')
  pool = ownPool(workerFile, 2)
}, 60_000)
afterAll(() => pool.stop())

describe('TxSignaturePool verifies on worker threads what the consensus thread then finds known', () => {
  it('verdicts for good transactions are known before the consensus thread checks them', async () => {
    const txs = Array.from({ length: 12 }, () => transfer())
    expect(txs.some((tx) => hasTxVerdict(tx, falcon1024Scheme, cache))).toBe(false)
    await pool.verifyAll(txs)
    expect(txs.every((tx) => hasTxVerdict(tx, falcon1024Scheme, cache))).toBe(true)
    for (const tx of txs)
      expect(rejectionCode(() => verifyTxSignature(tx, falcon1024Scheme, CHAIN, cache))).toBeNull()
  })

  it('a forged, a wrong-key and a truncated signature are refused with their reason, as decided in a worker', async () => {
    const good = transfer()
    const forged = { ...good, body: { ...good.body, amount: '999999' } }
    // Signed by mallory, claiming alice's account with mallory's key.
    const wrongKey = transfer({ publicKey: mallory.publicKey, secretKey: mallory.secretKey })
    const truncated = { ...transfer(), signature: good.signature.slice(0, 200) }
    const bad = [forged, wrongKey, truncated]
    await pool.verifyAll(bad)
    for (const tx of bad) expect(hasTxVerdict(tx, falcon1024Scheme, cache)).toBe(true)
    expect(rejectionCode(() => verifyTxSignature(forged, falcon1024Scheme, CHAIN, cache))).toBe(
      'bad-signature',
    )
    expect(rejectionCode(() => verifyTxSignature(wrongKey, falcon1024Scheme, CHAIN, cache))).toBe('wrong-key')
    expect(rejectionCode(() => verifyTxSignature(truncated, falcon1024Scheme, CHAIN, cache))).toBe(
      'bad-signature',
    )
    // The chain is still checked on the consensus thread, whatever the worker said about the signature.
    expect(rejectionCode(() => verifyTxSignature(good, falcon1024Scheme, 'e'.repeat(64), cache))).toBe(
      'wrong-chain',
    )
  })

  it('a worker that dies fails its job; the rest is left to the consensus thread', async () => {
    const crashing = join(dirname(workerFile), 'crashing-worker.mjs')
    writeFileSync(
      crashing,
      "import { parentPort } from 'node:worker_threads'\nparentPort.on('message', () => process.exit(3))\n",
    )
    const broken = ownPool(crashing, 1)
    try {
      const tx = transfer()
      await expect(broken.verifyAll([tx])).rejects.toThrow(/exited with code 3/)
      expect(broken.threads).toBe(0)
      expect(hasTxVerdict(tx, falcon1024Scheme, cache)).toBe(false)
      // With no workers left it resolves at once, and the consensus thread verifies inline.
      await expect(broken.verifyAll([tx])).resolves.toBeUndefined()
      expect(rejectionCode(() => verifyTxSignature(tx, falcon1024Scheme, CHAIN, cache))).toBeNull()
    } finally {
      await broken.stop()
    }
  })

  it('over the node’s shared workers it verifies the same, and stopping it leaves them to their owner', async () => {
    const shared = startSignatureWorkers(log, { threads: 1, file: workerFile })!
    try {
      const ledgerPool = TxSignaturePool.over(txVerifierThreads(shared), 'falcon-1024', cache)
      const tx = transfer()
      await ledgerPool.verifyAll([tx])
      expect(hasTxVerdict(tx, falcon1024Scheme, cache)).toBe(true)
      await ledgerPool.stop()
      expect(shared.capacity).toBe(1)
      // The transport's handshakes still sign on them.
      const signature = await falconWorkerSigner(shared, alice).sign(Uint8Array.of(7))
      expect(falcon1024.verify(signature, Uint8Array.of(7), alice.publicKey)).toBe(true)
    } finally {
      await shared.stop()
    }
  })
})
