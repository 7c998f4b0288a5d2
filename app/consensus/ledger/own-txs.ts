/**
 * This node's own transactions (signed here, or submitted through its API) from the moment the pool
 * admits them until the chain settles them, in SQLite (`own_txs`): a transaction the API answered as
 * pending is not lost if the node stops, crashes or loses its pool before a block carries it. When the
 * ledger opens it submits them again, in nonce order; after each block it marks those the block carried
 * committed, those whose nonce another transaction took refused, and puts back into the pool any that
 * fell out of it, or marks them refused with the pool's reason when they can no longer apply.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import type { OwnTxSummary } from '../../../shared/api'
import { LedgerRejection } from '../errors'
import type { LedgerState } from '../state'
import { parseTx, txId, txSize, type SignedTx } from '../tx'
import type { ChainParams } from '../params'

/** How many settled transactions the status keeps showing, after the pending ones. */
const RECENT_SETTLED = 10
/** A restart looks this many blocks past a transaction's submission for the block that carried it. */
const SCAN_BLOCKS = 2_000

interface Row {
  tx_id: string
  nonce: number
  tx: string
  submitted_height: number
  submitted_at: number
}

export interface OwnTxsParts {
  db: DatabaseSync
  networkId: string
  params: ChainParams
  log: Logger
  now?: () => number
}

/** One of this node's transactions as it was signed, and where it stands. */
export interface OwnTxRecord {
  readonly tx: SignedTx
  readonly status: OwnTxSummary['status']
  readonly reason: string | null
  readonly height: number | null
  readonly submittedAt: number
}

export class OwnTransactions {
  constructor(private readonly parts: OwnTxsParts) {}

  /** Keeps a transaction the pool just admitted, submitted when the chain was at `height`. */
  record(tx: SignedTx, height: number): void {
    const { db, networkId } = this.parts
    db.prepare(
      `INSERT OR IGNORE INTO own_txs (network_id, tx_id, sender, nonce, kind, tx, status, submitted_height, submitted_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    ).run(
      networkId,
      txId(tx),
      tx.body.from,
      tx.body.nonce,
      tx.body.kind,
      JSON.stringify(tx),
      height,
      (this.parts.now ?? Date.now)(),
    )
  }

  /**
   * When the ledger opens: settles what the stored chain already carries (found in `blockTxIds` of the
   * blocks after each submission), then submits the rest again, in nonce order.
   */
  resubmit(
    state: LedgerState,
    blockTxIds: (height: number) => readonly string[] | null,
    submit: (tx: SignedTx) => void,
  ): void {
    for (const row of this.pendingRows()) {
      const tx = this.parse(row)
      if (tx == null) continue
      if (tx.body.nonce < (state.account(tx.body.from)?.nonce ?? 0)) {
        const height = this.findCommitted(row, state.height, blockTxIds)
        if (height != null) this.settle(row.tx_id, 'committed', null, height)
        else this.settle(row.tx_id, 'refused', `another transaction of this account used nonce ${row.nonce}`)
        continue
      }
      this.submitAgain(row, tx, submit)
    }
  }

  /**
   * After block `height` is committed (carrying `carried`, its transactions' ids): settles what it
   * settled, and puts back into the pool what is still pending and fell out of it.
   */
  afterBlock(
    height: number,
    carried: ReadonlySet<string>,
    state: LedgerState,
    submit: (tx: SignedTx) => void,
  ): void {
    for (const row of this.pendingRows()) {
      if (carried.has(row.tx_id)) {
        this.settle(row.tx_id, 'committed', null, height)
        continue
      }
      const tx = this.parse(row)
      if (tx == null) continue
      if (tx.body.nonce < (state.account(tx.body.from)?.nonce ?? 0))
        this.settle(row.tx_id, 'refused', `another transaction of this account used nonce ${row.nonce}`)
      else this.submitAgain(row, tx, submit)
    }
  }

  /** Pending transactions first (oldest first), then the latest settled ones. */
  summaries(): OwnTxSummary[] {
    const { db, networkId } = this.parts
    const rows = db
      .prepare(
        `SELECT * FROM (SELECT tx_id, nonce, kind, status, reason, height, submitted_at, settled_at FROM own_txs
           WHERE network_id = ? AND status = 'pending' ORDER BY submitted_at)
         UNION ALL
         SELECT * FROM (SELECT tx_id, nonce, kind, status, reason, height, submitted_at, settled_at FROM own_txs
           WHERE network_id = ? AND status != 'pending' ORDER BY settled_at DESC LIMIT ?)`,
      )
      .all(networkId, networkId, RECENT_SETTLED) as {
      tx_id: string
      nonce: number
      kind: string
      status: OwnTxSummary['status']
      reason: string | null
      height: number | null
      submitted_at: number
    }[]
    return rows.map((r) => ({
      txId: r.tx_id,
      nonce: r.nonce,
      kind: r.kind,
      status: r.status,
      reason: r.reason,
      height: r.height,
      submittedAt: r.submitted_at,
    }))
  }

  /** This node's transactions still waiting for a block, oldest first. */
  pending(): OwnTxRecord[] {
    return this.pendingRows().flatMap((row) => {
      try {
        const tx = parseTx(JSON.parse(row.tx), this.parts.params)
        return [{ tx, status: 'pending' as const, reason: null, height: null, submittedAt: row.submitted_at }]
      } catch {
        return []
      }
    })
  }

  /** This node's transactions of `kinds`, newest first, with their settlement (the exchange's orders). */
  ofKinds(kinds: readonly string[], limit = 200): OwnTxRecord[] {
    const { db, networkId } = this.parts
    const rows = db
      .prepare(
        `SELECT tx, status, reason, height, submitted_at FROM own_txs
         WHERE network_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})
         ORDER BY submitted_at DESC LIMIT ?`,
      )
      .all(networkId, ...kinds, limit) as {
      tx: string
      status: OwnTxSummary['status']
      reason: string | null
      height: number | null
      submitted_at: number
    }[]
    const records: OwnTxRecord[] = []
    for (const r of rows) {
      try {
        const tx = parseTx(JSON.parse(r.tx), this.parts.params)
        records.push({
          tx,
          status: r.status,
          reason: r.reason,
          height: r.height,
          submittedAt: r.submitted_at,
        })
      } catch {
        // A damaged copy is settled as refused by the next resubmission; it is left out here.
      }
    }
    return records
  }

  private pendingRows(): Row[] {
    const { db, networkId } = this.parts
    return db
      .prepare(
        `SELECT tx_id, nonce, tx, submitted_height, submitted_at FROM own_txs WHERE network_id = ? AND status = 'pending'
         ORDER BY sender, nonce`,
      )
      .all(networkId) as unknown as Row[]
  }

  /** Puts a pending transaction back into the pool; a refusal that lasts settles it as refused. */
  private submitAgain(row: Row, tx: SignedTx, submit: (tx: SignedTx) => void): void {
    try {
      submit(tx)
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      // A full pool is a wait, not a refusal: the next block tries again.
      if (err.code === 'oversized' && txSize(tx) <= this.parts.params.maxTxBytes) return
      this.settle(row.tx_id, 'refused', err.message)
    }
  }

  private findCommitted(
    row: Row,
    tip: number,
    blockTxIds: (height: number) => readonly string[] | null,
  ): number | null {
    const last = Math.min(tip, row.submitted_height + SCAN_BLOCKS)
    for (let height = row.submitted_height + 1; height <= last; height++)
      if (blockTxIds(height)?.includes(row.tx_id) === true) return height
    return null
  }

  private parse(row: Row): SignedTx | null {
    try {
      return parseTx(JSON.parse(row.tx), this.parts.params)
    } catch (err) {
      this.settle(row.tx_id, 'refused', `its stored copy is damaged (${(err as Error).message})`)
      return null
    }
  }

  private settle(id: string, status: 'committed' | 'refused', reason: string | null, height?: number): void {
    const { db, networkId, log } = this.parts
    db.prepare(
      'UPDATE own_txs SET status = ?, reason = ?, height = ?, settled_at = ? WHERE network_id = ? AND tx_id = ?',
    ).run(status, reason, height ?? null, (this.parts.now ?? Date.now)(), networkId, id)
    if (status === 'refused') log.warn({ txId: id, reason }, 'a transaction of this node was refused')
  }
}
