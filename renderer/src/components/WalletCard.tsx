import { useId, useState, type FormEvent } from 'react'
import { formatCaesar, type OwnTxSummary } from '../../../shared/api'
import { shortId } from '../lib/format'
import { useHyperMesh } from '../store/context'
import {
  selectActions,
  selectChainStatus,
  selectLastTransfer,
  selectTransferError,
  selectTransferring,
  selectValidators,
} from '../store/selectors'
import { Card } from './Card'
import { CopyButton } from './CopyButton'
import { ErrorNotice } from './Notice'
import { OwnTransactionList, TransferOutcome } from './OwnTransactions'
import { StakeForm } from './StakeForm'

/** This node's account on the ledger, its role, a transfer form, and the validator set. */
export function WalletCard() {
  const status = useHyperMesh(selectChainStatus)
  const validators = useHyperMesh(selectValidators)
  if (status?.available !== true) return null
  const { self } = status
  return (
    <Card title="Wallet and validators" className="span-5" testId="wallet-card">
      <dl className="facts">
        <dt>Role</dt>
        <dd data-testid="chain-role">
          {status.role === 'validator'
            ? 'Validator: this node proposes and votes on blocks'
            : 'Observer: this node follows and verifies the chain'}
        </dd>
        <dt>Address</dt>
        <dd>
          <code className="mono" title={self.address}>
            {shortId(self.address, 10, 6)}
          </code>{' '}
          <CopyButton text={self.address} what="account address" compact />
        </dd>
        <dt>Balance</dt>
        <dd data-testid="wallet-balance">{formatCaesar(self.balance)} CAESAR</dd>
        <dt>Staked</dt>
        <dd>{formatCaesar(self.bonded)} CAESAR</dd>
      </dl>
      <TransferForm minFee={status.minFee} own={status.ownTxs} />
      <StakeForm isValidator={status.role === 'validator'} minStake={status.minValidatorStake} />
      <OwnTransactionList own={status.ownTxs} />
      <h3 className="subhead">Validators ({validators.length})</h3>
      <ul className="validators" data-testid="validator-list">
        {validators.map((v) => (
          <li key={v.address}>
            <code className="mono" title={`${v.address} (peer ${v.peerId})`}>
              {shortId(v.address, 6, 4)}
            </code>
            {v.isSelf && <span className="badge badge-own">you</span>}
            {v.jailed && <span className="badge badge-classical">jailed</span>}
            <span className="num">
              {formatCaesar(v.stake)} CAESAR · {(v.share * 100).toFixed(1)} %
            </span>
          </li>
        ))}
      </ul>
    </Card>
  )
}

function TransferForm({ minFee, own }: { minFee: string; own: readonly OwnTxSummary[] }) {
  const actions = useHyperMesh(selectActions)
  const sending = useHyperMesh(selectTransferring)
  const error = useHyperMesh(selectTransferError)
  const sent = useHyperMesh(selectLastTransfer)
  const [to, setTo] = useState('')
  const [amount, setAmount] = useState('')
  const [fee, setFee] = useState('')
  const ids = { to: useId(), amount: useId(), fee: useId() }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (await actions.transfer(to, amount, fee)) {
      setTo('')
      setAmount('')
      setFee('')
    }
  }

  return (
    <form className="transfer-form" onSubmit={(event) => void submit(event)} data-testid="transfer-form">
      <label htmlFor={ids.to}>Send to</label>
      <input
        id={ids.to}
        className="mono"
        value={to}
        onChange={(e) => setTo(e.target.value)}
        placeholder="address, 40 hex characters"
        spellCheck={false}
        autoComplete="off"
        data-testid="transfer-to"
      />
      <div className="form-row">
        <span>
          <label htmlFor={ids.amount}>Amount (CAESAR)</label>
          <input
            id={ids.amount}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            placeholder="0.0"
            data-testid="transfer-amount"
          />
        </span>
        <span>
          <label htmlFor={ids.fee}>Fee (CAESAR)</label>
          <input
            id={ids.fee}
            inputMode="decimal"
            value={fee}
            onChange={(e) => setFee(e.target.value)}
            placeholder={`${formatCaesar(minFee)} (minimum)`}
            data-testid="transfer-fee"
          />
        </span>
        <button
          type="submit"
          className="button button-primary"
          disabled={sending}
          data-testid="transfer-button"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="Not sent" testId="transfer-error">
          {error.message}
        </ErrorNotice>
      )}
      {sent != null && <TransferOutcome sent={sent} own={own} />}
    </form>
  )
}
