/**
 * Between the consensus transport and the driver: a message that carries transactions (a gossiped
 * transaction, a proposed block, a batch of synced blocks) has their signatures verified on the worker
 * pool first, and is delivered once they are known, in the order such messages arrived. Messages without
 * transactions (votes, status) go through at once: they must not wait behind a burst of transfers.
 * Before any signature is verified, the driver's cheap checks decide whether the message is worth it
 * (the proposer and height of a proposal, the next block's commit in a sync response, the account and
 * nonce of a transaction): a stranger's junk must not cost a signature check per transaction.
 */
import type { Logger } from 'pino'
import type { ConsensusMessage } from '../messages'
import type { SignedTx } from '../tx'
import type { TxSignaturePool } from './signature-pool'

/** Messages waiting for their signatures; beyond this, gossiped transactions are dropped (a full pool). */
export const MAX_WAITING_MESSAGES = 10_000

export function transactionsIn(message: ConsensusMessage): SignedTx[] {
  switch (message.type) {
    case 'tx':
      return [message.tx]
    case 'proposal':
      return message.block.txs
    case 'sync-response':
      return message.entries.flatMap((entry) => entry.block.txs)
    default:
      return []
  }
}

export interface PreverifiedInboxOptions {
  /** Messages waiting for their signatures; beyond this, gossiped transactions are dropped. */
  readonly maxWaiting?: number
  /** The driver's cheap checks: false drops a message with transactions before any is verified. */
  readonly worthVerifying?: (from: string, message: ConsensusMessage) => boolean
}

export class PreverifiedInbox {
  private tail: Promise<void> = Promise.resolve()
  private waiting = 0
  private closed = false
  private readonly maxWaiting: number
  /** Gossiped transactions dropped because too many messages were waiting. */
  dropped = 0
  /** Messages with transactions that the cheap checks refused before any signature was verified. */
  refused = 0

  constructor(
    private readonly pool: TxSignaturePool | null,
    private readonly deliver: (from: string, message: ConsensusMessage) => void,
    private readonly log: Logger,
    private readonly options: PreverifiedInboxOptions = {},
  ) {
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING_MESSAGES
  }

  push(from: string, message: ConsensusMessage): void {
    const txs = transactionsIn(message)
    if (this.closed) return
    if (this.pool == null || txs.length === 0) return this.deliverSafely(from, message)
    if (message.type === 'tx' && this.waiting >= this.maxWaiting) {
      this.dropped++
      return
    }
    if (!this.worthVerifying(from, message)) {
      this.refused++
      return
    }
    this.waiting++
    // Verification starts now, in parallel with what is ahead; delivery keeps the arrival order.
    const verified = this.pool.verifyAll(txs).catch((err: unknown) => {
      this.log.warn({ err }, 'signature workers failed; verifying on the consensus thread')
    })
    this.tail = this.tail
      .then(() => verified)
      .then(() => {
        this.waiting--
        if (!this.closed) this.deliverSafely(from, message)
      })
  }

  private worthVerifying(from: string, message: ConsensusMessage): boolean {
    try {
      return this.options.worthVerifying?.(from, message) ?? true
    } catch (err) {
      this.log.error({ err, from, type: message.type }, 'consensus message check failed')
      return false
    }
  }

  /** Nothing more is delivered (the driver is stopping). */
  close(): void {
    this.closed = true
  }

  private deliverSafely(from: string, message: ConsensusMessage): void {
    // A throw here would break the chain of deliveries behind it.
    try {
      this.deliver(from, message)
    } catch (err) {
      this.log.error({ err, from, type: message.type }, 'consensus message handling failed')
    }
  }

  /** Resolves once everything pushed so far has been delivered. */
  async drained(): Promise<void> {
    await this.tail
  }
}
