/**
 * The worker thread that proves PoTime ahead (see TimeProofSource): it receives { anchor, squarings } and
 * answers with the proof. Built as its own file beside the daemon and the Electron main process.
 */
import { parentPort } from 'node:worker_threads'
import { provePoTime } from '../proofs/consensus-proof'

export interface VdfJob {
  anchor: string
  squarings: number
}

parentPort?.on('message', (job: VdfJob) => {
  try {
    const time = provePoTime(job.anchor, { vdfSquarings: job.squarings })
    parentPort?.postMessage({ ...job, time })
  } catch (err) {
    parentPort?.postMessage({ ...job, error: (err as Error).message })
  }
})
