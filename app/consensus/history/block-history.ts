/**
 * What one block did to each account, one entry per transaction (or per thing the block did by itself:
 * epoch rewards, released stake, slashing, the proposer's fees). Found by executing the block again one
 * transaction at a time and comparing the accounts each step changed (records are immutable values, so an
 * account a step did not touch is the same object). The fills a transaction made are entries of both
 * traders, so the resting side sees its trade too.
 */
import type { HistoryCategory } from '../../../shared/history-schemas'
import type { Evidence } from '../block'
import { applyEvidence, applyTx, beginBlock, type ExecutionContext } from '../execute'
import type { Account, LedgerState } from '../state'
import { txId, type SignedTx, type TxBody } from '../tx'

export interface HistoryRow {
  readonly account: string
  readonly height: number
  /** The entry's place within its block (the key together with account and height). */
  readonly seq: number
  readonly txId: string | null
  readonly kind: string
  readonly category: HistoryCategory
  readonly balanceChange: bigint
  readonly stakeChange: bigint
  readonly fee: bigint
  readonly counterparty: string | null
  readonly timeMs: number
}

export interface ExecutedBlock {
  readonly height: number
  readonly timeMs: number
  readonly proposer: string
  readonly txs: readonly SignedTx[]
  readonly evidence: readonly Evidence[]
}

const CATEGORY: Partial<Record<string, HistoryCategory>> = {
  stake: 'staked',
  unstake: 'staked',
  'validator-join': 'staked',
  'validator-leave': 'staked',
  unbonded: 'staked',
  slashed: 'staked',
  reward: 'rewards',
  'block-fees': 'rewards',
  'job-escrow': 'escrow',
  'job-settle': 'escrow',
  'job-claim': 'escrow',
  'job-refund': 'escrow',
  'lease-release': 'escrow',
  'lease-refund': 'escrow',
  'order-buy': 'trades',
  'order-sell': 'trades',
  'order-cancel': 'trades',
  fill: 'trades',
}

export function categoryOf(kind: string, account: string, body?: TxBody): HistoryCategory {
  if (kind === 'transfer') return body?.from === account ? 'sent' : 'received'
  return CATEGORY[kind] ?? 'other'
}

const stakeOf = (a: Account | undefined): bigint =>
  a == null ? 0n : a.bonded + a.unbonding.reduce((sum, u) => sum + u.amount, 0n)

/** Accounts whose record differs between two maps, with the change to balance and to stake. */
function changedAccounts(
  before: ReadonlyMap<string, Account>,
  after: ReadonlyMap<string, Account>,
): { account: string; balance: bigint; stake: bigint }[] {
  const changed: { account: string; balance: bigint; stake: bigint }[] = []
  for (const [account, record] of after) {
    const prior = before.get(account)
    if (record === prior) continue
    // A change of nonce alone is kept: the sender of a transaction that cost it nothing net (a proposer
    // paying its own fee to itself) still sent it. Callers drop what they do not list.
    const balance = record.balance - (prior?.balance ?? 0n)
    changed.push({ account, balance, stake: stakeOf(record) - stakeOf(prior) })
  }
  return changed.sort((a, b) => (a.account < b.account ? -1 : 1))
}

/** The history rows of `block` executed on `prior` (which it does not change). */
export function blockHistory(prior: LedgerState, block: ExecutedBlock, ctx: ExecutionContext): HistoryRow[] {
  const rows: HistoryRow[] = []
  const row = (r: Omit<HistoryRow, 'height' | 'seq' | 'timeMs'>): void => {
    rows.push({ ...r, height: block.height, seq: rows.length, timeMs: block.timeMs })
  }
  const state = beginBlock(prior, block.height, block.timeMs, ctx.params)
  const minted = state.issuance.minted > prior.issuance.minted
  for (const c of changedAccounts(prior.accounts, state.accounts)) {
    if (c.balance === 0n && c.stake === 0n) continue
    const kind =
      minted && c.stake === 0n && c.balance > 0n && prior.payouts !== state.payouts ? 'reward' : 'unbonded'
    row({
      account: c.account,
      txId: null,
      kind,
      category: categoryOf(kind, c.account),
      balanceChange: c.balance,
      stakeChange: c.stake,
      fee: 0n,
      counterparty: null,
    })
  }
  for (const e of block.evidence) {
    const before = new Map(state.accounts)
    applyEvidence(state, e, ctx)
    for (const c of changedAccounts(before, state.accounts).filter((c) => c.balance !== 0n || c.stake !== 0n))
      row({
        account: c.account,
        txId: null,
        kind: 'slashed',
        category: 'staked',
        balanceChange: c.balance,
        stakeChange: c.stake,
        fee: 0n,
        counterparty: null,
      })
  }
  let fees = 0n
  for (const tx of block.txs) fees += txRows(state, tx, ctx, block.proposer, row)
  if (fees > 0n)
    row({
      account: block.proposer,
      txId: null,
      kind: 'block-fees',
      category: 'rewards',
      balanceChange: fees,
      stakeChange: 0n,
      fee: 0n,
      counterparty: null,
    })
  return rows
}

/** Applies `tx` to `state`, adding a row per account it changed and per fill it made; returns its fee. */
function txRows(
  state: LedgerState,
  tx: SignedTx,
  ctx: ExecutionContext,
  proposer: string,
  row: (r: Omit<HistoryRow, 'height' | 'seq' | 'timeMs'>) => void,
): bigint {
  const body = tx.body
  const id = txId(tx)
  const fee = BigInt(body.fee)
  const before = new Map(state.accounts)
  const fillsBefore = state.leaseEscrows.size
  applyTx(state, tx, ctx, proposer)
  const counterpartyOf = (account: string): string | null =>
    body.kind === 'transfer' ? (account === body.from ? body.to : body.from) : null
  for (const c of changedAccounts(before, state.accounts)) {
    // The proposer's fee is its block's income (one block-fees row), not part of this transaction.
    const balance = c.account === proposer ? c.balance - fee : c.balance
    if (balance === 0n && c.stake === 0n && c.account !== body.from) continue
    row({
      account: c.account,
      txId: id,
      kind: body.kind,
      category: categoryOf(body.kind, c.account, body),
      balanceChange: balance,
      stakeChange: c.stake,
      fee: c.account === body.from ? fee : 0n,
      counterparty: counterpartyOf(c.account),
    })
  }
  if (state.leaseEscrows.size > fillsBefore) {
    let index = 0
    for (const [, fill] of state.leaseEscrows) {
      if (index++ < fillsBefore) continue
      for (const [account, other] of [
        [fill.buyer, fill.seller],
        [fill.seller, fill.buyer],
      ] as const)
        row({
          account,
          txId: id,
          kind: 'fill',
          category: 'trades',
          balanceChange: 0n,
          stakeChange: 0n,
          fee: 0n,
          counterparty: other,
        })
    }
  }
  return fee
}
