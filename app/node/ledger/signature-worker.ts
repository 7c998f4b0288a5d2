/**
 * A worker thread that checks transaction signatures for the node's TxSignaturePool: it receives
 * { id, scheme, txs } and answers { id, verdicts }, one verdict (null when it holds) per transaction.
 * Built as its own file beside the daemon and the Electron main process.
 */
import { parentPort } from 'node:worker_threads'
import { LEDGER_SCHEMES, type LedgerSchemeName } from '../../consensus/signature-scheme'
import { txSignatureVerdict, type SignedTx, type TxSignatureFailure } from '../../consensus/tx'

export interface SignatureJob {
  id: number
  scheme: LedgerSchemeName
  txs: SignedTx[]
}

export interface SignatureAnswer {
  id: number
  verdicts?: (TxSignatureFailure | null)[]
  error?: string
}

parentPort?.on('message', (job: SignatureJob) => {
  let answer: SignatureAnswer
  try {
    const scheme = LEDGER_SCHEMES[job.scheme]
    answer = { id: job.id, verdicts: job.txs.map((tx) => txSignatureVerdict(tx, scheme)) }
  } catch (err) {
    answer = { id: job.id, error: (err as Error).message }
  }
  parentPort?.postMessage(answer)
})
