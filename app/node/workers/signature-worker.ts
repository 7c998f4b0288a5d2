/**
 * A worker thread for the node's signature work (./worker-pool.ts): it checks transaction signatures
 * for the ledger's TxSignaturePool, and signs and verifies STOQ handshake transcripts with FALCON-1024
 * (./signature-workers.ts), with the ledger's constant-time FALCON (liboqs). Built as its own file beside
 * the daemon and the Electron main process.
 */
import { parentPort } from 'node:worker_threads'
import {
  falcon1024Scheme,
  LEDGER_SCHEMES,
  txSignatureVerdict,
  type LedgerSchemeName,
  type SignedTx,
  type TxSignatureFailure,
} from '../../consensus'
import type { WorkerReply, WorkerRequest } from './worker-pool'

export type SignatureJob =
  | { kind: 'verify-txs'; scheme: LedgerSchemeName; txs: SignedTx[] }
  | { kind: 'falcon-sign'; message: Uint8Array; secretKey: Uint8Array }
  | { kind: 'falcon-verify'; signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array }

/** Per job kind: one verdict per transaction (null when it holds), a signature, or whether one holds. */
export type SignatureResult = (TxSignatureFailure | null)[] | Uint8Array | boolean

function perform(job: SignatureJob): SignatureResult {
  switch (job.kind) {
    case 'verify-txs': {
      const scheme = LEDGER_SCHEMES[job.scheme]
      return job.txs.map((tx) => txSignatureVerdict(tx, scheme))
    }
    case 'falcon-sign':
      return falcon1024Scheme.sign(job.message, job.secretKey)
    case 'falcon-verify':
      return falcon1024Scheme.verify(job.signature, job.message, job.publicKey)
  }
}

parentPort?.on('message', ({ id, job }: WorkerRequest<SignatureJob>) => {
  let reply: WorkerReply<SignatureResult>
  try {
    reply = { id, result: perform(job) }
  } catch (err) {
    reply = { id, error: (err as Error).message }
  }
  parentPort?.postMessage(reply)
})
