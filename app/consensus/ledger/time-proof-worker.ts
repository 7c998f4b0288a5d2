/**
 * TimeProofSource on a worker thread: PoTime for the next block is proven while the node does everything
 * else. One job at a time; when the chain moves on mid-proof, only the newest anchor is proven next.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { TimeProofSource } from '../driver'
import type { ConsensusProof } from '../proofs/consensus-proof'
import type { VdfJob } from './vdf-worker'

type TimeProof = ConsensusProof['time']
const keyOf = (job: VdfJob): string => `${job.anchor}/${job.squarings}`

export class WorkerTimeProofs implements TimeProofSource {
  private readonly ready = new Map<string, TimeProof>()
  private running: VdfJob | null = null
  private next: VdfJob | null = null

  private constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
  ) {
    worker.on('message', (answer: VdfJob & { time?: TimeProof; error?: string }) => {
      if (answer.time != null) {
        // Only the latest few anchors can still be proposed on.
        if (this.ready.size > 4) this.ready.delete(this.ready.keys().next().value as string)
        this.ready.set(keyOf(answer), answer.time)
      } else log.error({ error: answer.error }, 'PoTime proving failed in the worker; proving inline')
      this.running = null
      this.startNext()
    })
    worker.on('error', (err) => log.error({ err }, 'the PoTime worker stopped; proving inline'))
    worker.unref()
  }

  /** The worker beside this bundle, or null (running from source, where there is no built worker file). */
  static start(log: Logger): WorkerTimeProofs | null {
    const file = fileURLToPath(new URL('./vdf-worker.js', import.meta.url))
    if (!existsSync(file)) {
      log.info('no PoTime worker file beside this build; blocks prove PoTime inline')
      return null
    }
    return new WorkerTimeProofs(new Worker(file), log)
  }

  prepare(anchor: string, squarings: number): void {
    const job = { anchor, squarings }
    const key = keyOf(job)
    if (this.ready.has(key) || (this.running != null && keyOf(this.running) === key)) return
    this.next = job
    this.startNext()
  }

  take(anchor: string, squarings: number): TimeProof | 'pending' | null {
    const key = keyOf({ anchor, squarings })
    const found = this.ready.get(key)
    if (found != null) return found
    if (
      (this.running != null && keyOf(this.running) === key) ||
      (this.next != null && keyOf(this.next) === key)
    )
      return 'pending'
    return null
  }

  async stop(): Promise<void> {
    await this.worker.terminate()
  }

  private startNext(): void {
    if (this.running != null || this.next == null) return
    this.running = this.next
    this.next = null
    this.worker.postMessage(this.running)
  }
}
