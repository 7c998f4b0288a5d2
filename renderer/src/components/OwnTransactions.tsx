import type { OwnTxSummary, TransferReceipt } from '../../../shared/api'
import { shortId } from '../lib/format'
import { ErrorNotice, SuccessNotice } from './Notice'

const KIND_NAMES: Record<string, string> = {
  transfer: 'Transfer',
  stake: 'Stake',
  unstake: 'Unstake',
  'validator-join': 'Join the validators',
  'validator-leave': 'Leave the validators',
  'asset-register': 'Register an asset',
  'usage-claim': 'Reward claim',
}

/**
 * What became of the transfer just sent: pending until a block commits it (the node keeps it, and
 * submits it again if it restarts first), then committed, or refused with the reason.
 */
export function TransferOutcome({ sent, own }: { sent: TransferReceipt; own: readonly OwnTxSummary[] }) {
  const now = own.find((tx) => tx.txId === sent.txId)
  if (now?.status === 'committed')
    return (
      <SuccessNotice testId="transfer-sent">
        Committed in block {now.height} (nonce {sent.nonce}): the transfer is done.
      </SuccessNotice>
    )
  if (now?.status === 'refused')
    return (
      <ErrorNotice headline="Refused after it was submitted" testId="transfer-sent">
        {now.reason}
      </ErrorNotice>
    )
  return (
    <SuccessNotice testId="transfer-sent">
      Pending (nonce {sent.nonce}): signed with this node’s FALCON-1024 key and waiting for a block. It is
      done only once a block commits it; if this node stops before then, it submits it again when it starts.
    </SuccessNotice>
  )
}

/** This node's own transactions: those pending, then the latest committed or refused. */
export function OwnTransactionList({ own }: { own: readonly OwnTxSummary[] }) {
  if (own.length === 0) return null
  return (
    <>
      <h3 className="subhead">Your transactions</h3>
      <ul className="validators" data-testid="own-txs">
        {own.map((tx) => (
          <li key={tx.txId} data-status={tx.status}>
            <span>{KIND_NAMES[tx.kind] ?? tx.kind}</span>
            <code className="mono" title={tx.txId}>
              {shortId(tx.txId, 6, 4)}
            </code>
            <span className={`badge ${tx.status === 'committed' ? 'badge-joined' : 'badge-classical'}`}>
              {tx.status === 'committed'
                ? `committed in block ${tx.height}`
                : tx.status === 'refused'
                  ? 'refused'
                  : 'pending'}
            </span>
            {tx.status === 'refused' && <span className="muted">{tx.reason}</span>}
          </li>
        ))}
      </ul>
    </>
  )
}
