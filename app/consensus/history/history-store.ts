/**
 * The node's index of account history in SQLite (`account_history`), filled as blocks are executed
 * (at start-up from the stored chain, then as each block commits), and read a page at a time.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { HistoryCategory, HistoryEntry } from '../../../shared/history-schemas'
import type { HistoryRow } from './block-history'

interface StoredRow {
  account: string
  height: number
  tx_id: string | null
  kind: string
  category: HistoryCategory
  balance_change: string
  stake_change: string
  fee: string
  counterparty: string | null
  time_ms: number
}

export class AccountHistoryStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly networkId: string,
  ) {}

  /** Read once, then kept in step by add and truncateAbove: the chain asks at every block. */
  private indexed: number | null = null

  /** The highest height whose rows are stored (0 when none). */
  indexedHeight(): number {
    if (this.indexed == null) {
      const row = this.db
        .prepare('SELECT height FROM history_indexed WHERE network_id = ?')
        .get(this.networkId) as { height: number } | undefined
      this.indexed = row?.height ?? 0
    }
    return this.indexed
  }

  /** Stores the rows of block `height` and marks it indexed, in one transaction. */
  add(height: number, rows: readonly HistoryRow[]): void {
    const { db, networkId } = this
    db.exec('BEGIN')
    try {
      const insert = db.prepare(
        `INSERT OR REPLACE INTO account_history (network_id, account, height, seq, tx_id, kind, category,
           balance_change, stake_change, fee, counterparty, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      for (const r of rows)
        insert.run(
          networkId,
          r.account,
          r.height,
          r.seq,
          r.txId,
          r.kind,
          r.category,
          r.balanceChange.toString(),
          r.stakeChange.toString(),
          r.fee.toString(),
          r.counterparty,
          r.timeMs,
        )
      db.prepare(
        `INSERT INTO history_indexed (network_id, height) VALUES (?, ?)
         ON CONFLICT (network_id) DO UPDATE SET height = excluded.height`,
      ).run(networkId, height)
      db.exec('COMMIT')
      this.indexed = height
    } catch (err) {
      db.exec('ROLLBACK')
      throw err
    }
  }

  /** Forgets rows above `height` (the stored chain was rebuilt shorter). */
  truncateAbove(height: number): void {
    this.db
      .prepare('DELETE FROM account_history WHERE network_id = ? AND height > ?')
      .run(this.networkId, height)
    this.db
      .prepare('UPDATE history_indexed SET height = ? WHERE network_id = ? AND height > ?')
      .run(height, this.networkId, height)
    this.indexed = null
  }

  /**
   * Committed entries of `account` below `beforeHeight`, newest first, whole blocks only: at most `limit`
   * unless one block alone has more. `nextBeforeHeight` continues the listing; null at its end.
   */
  page(query: {
    account: string
    categories: readonly HistoryCategory[]
    beforeHeight: number
    limit: number
  }): { entries: HistoryEntry[]; nextBeforeHeight: number | null } {
    const filter =
      query.categories.length > 0 ? `AND category IN (${query.categories.map(() => '?').join(', ')})` : ''
    const select = (extra: string, ...params: (string | number)[]): StoredRow[] =>
      this.db
        .prepare(
          `SELECT account, height, tx_id, kind, category, balance_change, stake_change, fee, counterparty, time_ms
           FROM account_history WHERE network_id = ? AND account = ? ${filter} ${extra}`,
        )
        .all(this.networkId, query.account, ...query.categories, ...params) as unknown as StoredRow[]
    let rows = select(
      'AND height < ? ORDER BY height DESC, seq DESC LIMIT ?',
      query.beforeHeight,
      query.limit + 1,
    )
    let more = rows.length > query.limit
    if (more) {
      const last = rows[query.limit]!.height
      const whole = rows.slice(0, query.limit).filter((r) => r.height !== last)
      // One block with more entries than the limit is listed whole.
      rows = whole.length > 0 ? whole : select('AND height = ? ORDER BY seq DESC', last)
      more = true
    }
    const lastHeight = rows[rows.length - 1]?.height
    return {
      entries: rows.map(entryOf),
      nextBeforeHeight: more && lastHeight != null ? lastHeight : null,
    }
  }
}

const entryOf = (r: StoredRow): HistoryEntry => ({
  account: r.account,
  status: 'committed',
  height: r.height,
  timeMs: r.time_ms,
  txId: r.tx_id,
  kind: r.kind,
  category: r.category,
  balanceChange: r.balance_change,
  stakeChange: r.stake_change,
  fee: r.fee,
  counterparty: r.counterparty,
})
