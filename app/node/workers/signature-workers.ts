/**
 * The node's signature workers: one pool of threads running ./signature-worker.ts, built beside this
 * bundle as signature-worker.js, shared by STOQ handshakes and the ledger. At most one thread per core
 * less one (./worker-pool.ts), started as work needs them.
 */
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { falcon1024Scheme, type TxVerifierThreads } from '../../consensus'
import { inlineFalconSigner, type FalconKeyPair, type FalconSigner } from '../../stoq'
import type { SignatureJob, SignatureResult } from './signature-worker'
import { WorkerPool } from './worker-pool'

export type SignatureWorkers = WorkerPool<SignatureJob, SignatureResult>

export function startSignatureWorkers(
  log: Logger,
  options: { threads?: number; file?: string } = {},
): SignatureWorkers | null {
  const file = options.file ?? fileURLToPath(new URL('./signature-worker.js', import.meta.url))
  return WorkerPool.start<SignatureJob, SignatureResult>(file, { name: 'signature', log, ...options })
}

/**
 * STOQ's FALCON work on the signature workers, so handshakes do not stall the event loop. Where there are
 * no workers, none is alive, or one fails, the same work is done inline: a handshake never fails for the
 * pool's sake. Either way it signs and verifies with the ledger's FALCON-1024, liboqs's constant-time one.
 */
export function falconWorkerSigner(workers: SignatureWorkers | null, keys: FalconKeyPair): FalconSigner {
  const inline = inlineFalconSigner(keys, falcon1024Scheme)
  if (workers == null) return inline
  return {
    publicKey: keys.publicKey,
    async sign(message) {
      if (workers.capacity === 0) return inline.sign(message)
      const result = await workers
        .run({ kind: 'falcon-sign', message, secretKey: keys.secretKey })
        .catch(() => null)
      return result instanceof Uint8Array ? result : inline.sign(message)
    },
    async verify(signature, message, publicKey) {
      if (workers.capacity === 0) return inline.verify(signature, message, publicKey)
      const result = await workers
        .run({ kind: 'falcon-verify', signature, message, publicKey })
        .catch(() => null)
      return typeof result === 'boolean' ? result : inline.verify(signature, message, publicKey)
    },
  }
}

/** The ledger's transaction checks on the signature workers (the port the ledger declares). */
export function txVerifierThreads(workers: SignatureWorkers): TxVerifierThreads {
  return {
    get capacity() {
      return workers.capacity
    },
    get threads() {
      return workers.threads
    },
    verifyTxs: (scheme, txs) => workers.run({ kind: 'verify-txs', scheme, txs }, txs.length),
    stop: () => workers.stop(),
  }
}
