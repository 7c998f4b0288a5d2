/**
 * Account history for the node's ledger: indexes each block the chain executes (skipping those already
 * indexed, so a restart's replay costs nothing more), and answers a page for one account with this node's
 * pending transactions of that account first.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import type { HistoryEntry, HistoryPage, HistoryQuery } from '../../../shared/history-schemas'
import type { Chain } from '../chain'
import type { OwnTxRecord } from '../ledger/own-txs'
import { txId, type TxBody } from '../tx'
import { blockHistory, categoryOf } from './block-history'
import { AccountHistoryStore } from './history-store'

/** Starts indexing `chain`'s blocks into `db`; call before the chain replays. */
export function followChainHistory(
  chain: Chain,
  db: DatabaseSync,
  networkId: string,
  log: Logger,
): AccountHistoryStore {
  const store = new AccountHistoryStore(db, networkId)
  chain.onExecuted = (prior, entry) => {
    const { header } = entry.block
    if (header.height <= store.indexedHeight()) return
    try {
      const rows = blockHistory(
        prior,
        { height: header.height, timeMs: header.timeMs, proposer: header.proposer, ...entry.block },
        chain.ctx,
      )
      store.add(header.height, rows)
    } catch (err) {
      // History is a view; a failure to index it must never stop the chain. The gap stays logged.
      log.warn({ err, height: header.height }, 'could not index the account history of a block')
    }
  }
  return store
}

/** What a pending transaction of `account` takes from it when it commits (the fee and what it moves). */
function pendingChange(body: TxBody): { balance: bigint; stake: bigint } {
  const fee = BigInt(body.fee)
  switch (body.kind) {
    case 'transfer':
      return { balance: -fee - BigInt(body.amount), stake: 0n }
    case 'stake':
      return { balance: -fee - BigInt(body.amount), stake: BigInt(body.amount) }
    case 'job-escrow':
      return { balance: -fee - BigInt(body.job.spec.maxPayment), stake: 0n }
    case 'order-buy':
      return { balance: -fee - BigInt(body.price) * BigInt(body.quantity), stake: 0n }
    default:
      return { balance: -fee, stake: 0n }
  }
}

export function pendingEntries(account: string, pending: readonly OwnTxRecord[]): HistoryEntry[] {
  return pending
    .filter((r) => r.status === 'pending' && r.tx.body.from === account)
    .map((r) => {
      const body = r.tx.body
      const change = pendingChange(body)
      return {
        account,
        status: 'pending',
        height: null,
        timeMs: r.submittedAt,
        txId: txId(r.tx),
        kind: body.kind,
        category: categoryOf(body.kind, account, body),
        balanceChange: change.balance.toString(),
        stakeChange: change.stake.toString(),
        fee: body.fee,
        counterparty: body.kind === 'transfer' ? body.to : null,
      }
    })
}

/** One page of `query.account`'s history: its pending transactions on the first page, then committed ones. */
export function historyPage(
  store: AccountHistoryStore,
  pending: readonly OwnTxRecord[],
  query: HistoryQuery,
): HistoryPage {
  const categories = query.categories ?? []
  const page = store.page({
    account: query.account,
    categories,
    beforeHeight: query.beforeHeight ?? Number.MAX_SAFE_INTEGER,
    limit: query.limit ?? 100,
  })
  const first = query.beforeHeight == null
  const waiting = first
    ? pendingEntries(query.account, pending).filter(
        (e) => categories.length === 0 || categories.includes(e.category),
      )
    : []
  return { entries: [...waiting, ...page.entries], nextBeforeHeight: page.nextBeforeHeight }
}
