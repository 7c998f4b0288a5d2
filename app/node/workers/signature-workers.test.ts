import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Upgrader } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionEncrypterComplianceTests } from '../../../test/compliance/connection-encrypter'
import { buildWorker } from '../../../test/support/worker-build'
import { stoq, type FalconKeyPair, type FalconSigner } from '../../stoq'
import { falconSignerSuite } from '../../stoq/handshake/falcon-signer.suite'
import { falconWorkerSigner, startSignatureWorkers, type SignatureWorkers } from './signature-workers'

const log = pino({ level: 'silent' })
let workerFile: string
let workers: SignatureWorkers

beforeAll(async () => {
  workerFile = await buildWorker('app/node/workers/signature-worker.ts')
  workers = startSignatureWorkers(log, { threads: 2, file: workerFile })!
}, 60_000)
afterAll(() => workers.stop())

falconSignerSuite('signature worker threads', async (keys) => falconWorkerSigner(workers, keys))
// Without workers the node signs inline, with the same constant-time FALCON (liboqs).
falconSignerSuite('inline, liboqs (no worker threads)', async (keys) => falconWorkerSigner(null, keys))

/** The encrypter suite for a whole STOQ handshake whose FALCON work goes where `signer` puts it. */
const upgrader = { getStreamMuxers: () => new Map() } as unknown as Upgrader
function stoqWithSigner(name: string, signer: (falcon: FalconKeyPair) => FalconSigner): void {
  connectionEncrypterComplianceTests(name, async () => ({
    async create() {
      const privateKey = await generateKeyPair('Ed25519')
      const falcon = falcon1024.keygen()
      const encrypter = stoq({ falcon, falconSigner: signer(falcon) })({
        privateKey,
        logger: defaultLogger(),
        upgrader,
      })
      return { encrypter, peerId: peerIdFromPrivateKey(privateKey) }
    },
  }))
}
stoqWithSigner('stoq (FALCON on signature workers)', (falcon) => falconWorkerSigner(workers, falcon))
// And inline, as a node without worker threads runs it: liboqs gets the Buffers node:crypto decrypts to.
stoqWithSigner('stoq (FALCON inline, liboqs)', (falcon) => falconWorkerSigner(null, falcon))

function crashingWorkers(): SignatureWorkers {
  const crashing = join(dirname(workerFile), 'crashing-signature-worker.mjs')
  writeFileSync(
    crashing,
    "import { parentPort } from 'node:worker_threads'\nparentPort.on('message', () => process.exit(3))\n",
  )
  return startSignatureWorkers(log, { threads: 1, file: crashing })!
}

describe('signature workers', () => {
  it('sign on a worker thread, not the caller: the event loop keeps running meanwhile', async () => {
    const keys = falcon1024.keygen(new Uint8Array(48).fill(5))
    const signer = falconWorkerSigner(workers, keys)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    try {
      // Twenty signatures take over 100 ms of CPU; inline, not one timer tick would run until they end.
      const signatures = await Promise.all(
        Array.from({ length: 20 }, (_, i) => signer.sign(Uint8Array.of(i))),
      )
      expect(signatures.every((s, i) => falcon1024.verify(s, Uint8Array.of(i), keys.publicKey))).toBe(true)
    } finally {
      clearInterval(timer)
    }
    expect(ticks).toBeGreaterThan(5)
  })

  it('a worker that dies fails its job, and the signer does the work inline instead', async () => {
    const broken = crashingWorkers()
    try {
      await expect(
        broken.run({
          kind: 'falcon-verify',
          signature: new Uint8Array(1),
          message: new Uint8Array(1),
          publicKey: new Uint8Array(1),
        }),
      ).rejects.toThrow(/exited with code 3/)
      expect(broken.threads).toBe(0)
      expect(broken.capacity).toBe(0)
      await expect(
        broken.run({ kind: 'falcon-sign', message: new Uint8Array(1), secretKey: new Uint8Array(1) }),
      ).rejects.toThrow(/no signature worker is running/)
      const keys = falcon1024.keygen(new Uint8Array(48).fill(6))
      const signer = falconWorkerSigner(broken, keys)
      const message = Uint8Array.of(1, 2, 3)
      const signature = await signer.sign(message)
      expect(falcon1024.verify(signature, message, keys.publicKey)).toBe(true)
      expect(await signer.verify(signature, message, keys.publicKey)).toBe(true)
      expect(await signer.verify(signature, Uint8Array.of(9), keys.publicKey)).toBe(false)
    } finally {
      await broken.stop()
    }
  })

  it("a job the worker cannot do is refused with the worker's reason", async () => {
    await expect(
      workers.run({ kind: 'falcon-sign', message: new Uint8Array(8), secretKey: new Uint8Array(3) }),
    ).rejects.toThrow(/signature worker failed: .+/)
  })

  it('without a built worker file there are no workers, and the caller works inline', () => {
    expect(startSignatureWorkers(log, { file: join(dirname(workerFile), 'absent.js') })).toBeNull()
  })

  it('starts threads only when work needs them, up to its size', async () => {
    const pool = startSignatureWorkers(log, { threads: 2, file: workerFile })!
    try {
      expect(pool.threads).toBe(0)
      expect(pool.capacity).toBe(2)
      const keys = falcon1024.keygen(new Uint8Array(48).fill(9))
      const signer = falconWorkerSigner(pool, keys)
      await signer.sign(Uint8Array.of(1))
      // One job at a time: the one idle thread takes it each time.
      await signer.sign(Uint8Array.of(2))
      expect(pool.threads).toBe(1)
      await Promise.all(Array.from({ length: 6 }, (_, i) => signer.sign(Uint8Array.of(i))))
      expect(pool.threads).toBe(2)
    } finally {
      await pool.stop()
    }
    expect(pool.capacity).toBe(0)
  })

  it('stopping fails what is still pending', async () => {
    const pool = startSignatureWorkers(log, { threads: 1, file: workerFile })!
    const keys = falcon1024.keygen(new Uint8Array(48).fill(8))
    const pending = pool.run({ kind: 'falcon-sign', message: new Uint8Array(8), secretKey: keys.secretKey })
    const refused = expect(pending).rejects.toThrow(/pool stopped/)
    await pool.stop()
    await refused
    expect(pool.threads).toBe(0)
  })
})
