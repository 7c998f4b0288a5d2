/**
 * Where this node's earnings go: rewards for what it shares, job and lease payments. The node's key keeps
 * signing what the node signs; only the money goes to the account chosen here, so that several machines
 * can earn into one wallet whose words the person keeps.
 */
import { useId, useState, type FormEvent } from 'react'
import type { WalletAccount } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectChainStatus, selectWalletBusy } from '../../store/selectors'
import { Card } from '../Card'
import { ErrorNotice } from '../Notice'
import { SubmitRow } from './SubmitRow'

/** What the card says about where the earnings go now, in words. */
export function payoutText(payoutTo: string | undefined, accounts: readonly WalletAccount[]): string {
  if (payoutTo == null) return "This node's earnings are paid to the node's own account."
  const account = accounts.find((a) => a.address === payoutTo)
  return account != null
    ? `This node's earnings are paid to account ${account.index + 1} of this wallet.`
    : `This node's earnings are paid to ${payoutTo}, an account this wallet does not hold.`
}

export function PayoutCard({ accounts }: { accounts: readonly WalletAccount[] }) {
  const chain = useHyperMesh(selectChainStatus)
  const busy = useHyperMesh(selectWalletBusy)
  const actions = useHyperMesh(selectActions)
  const id = useId()
  const [picked, setPicked] = useState(accounts[0]?.address ?? '')
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  if (chain?.available !== true) return null
  const self = chain.self
  const target = self.payoutTo ?? self.address
  const choice = picked === '' ? target : picked
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setSent(false)
    const outcome = await actions.setNodePayout(choice)
    setError(outcome.ok ? null : outcome.message)
    setSent(outcome.ok)
  }
  return (
    <Card title="Earnings" className="span-7" testId="wallet-payout">
      <p data-testid="payout-now">{payoutText(self.payoutTo, accounts)}</p>
      <form className="form wallet-form" onSubmit={(e) => void submit(e)}>
        <span className="field">
          <label htmlFor={id}>Pay them to</label>
          <select id={id} value={choice} onChange={(e) => setPicked(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.address} value={a.address}>
                Account {a.index + 1} of this wallet
              </option>
            ))}
            <option value={self.address}>The node’s own account</option>
          </select>
        </span>
        <SubmitRow
          label="Pay earnings here"
          busyLabel="Signing…"
          busy={busy === 'payout'}
          waiting={busy != null}
          blocker={choice === target ? 'they are already paid there' : null}
        />
      </form>
      {sent && <p className="muted">Sent; it takes effect once the next block commits it.</p>}
      {error != null && (
        <ErrorNotice headline="The payout account was not changed" role="alert">
          {error}
        </ErrorNotice>
      )}
    </Card>
  )
}
