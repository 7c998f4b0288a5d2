/** The wallet's accounts: address (with Copy) and balance each; one more, with the passphrase, once unlocked. */
import { useState, type FormEvent } from 'react'
import { formatCaesar, type WalletAccount } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { Card } from '../Card'
import { CopyButton } from '../CopyButton'
import { ErrorNotice } from '../Notice'
import { PassphraseSubmit } from './PassphraseFields'
import { useWalletCall } from './use-wallet-call'
import { accountBalance } from './wallet-form'

export function AccountsCard({
  accounts,
  locked,
  ledger,
}: {
  accounts: readonly WalletAccount[]
  locked: boolean
  ledger: boolean
}) {
  return (
    <Card title="Accounts" className="span-7" testId="wallet-accounts">
      <AccountList accounts={accounts} ledger={ledger} />
      {!locked && <AddAccount />}
    </Card>
  )
}

export function AccountList({ accounts, ledger }: { accounts: readonly WalletAccount[]; ledger: boolean }) {
  return (
    <ul className="wallet-accounts" aria-label="Accounts">
      {accounts.map((account) => {
        const balance = accountBalance(account.balance, ledger)
        return (
          <li key={account.index} className="wallet-account" data-testid="wallet-account">
            <span className="wallet-account-name">Account {account.index + 1}</span>
            <span className="wallet-account-balance num" data-testid="wallet-balance">
              {balance == null ? (
                <span className="muted">no ledger yet</span>
              ) : (
                `${formatCaesar(balance)} CAESAR`
              )}
            </span>
            <span className="wallet-account-address">
              <code className="mono" data-testid="wallet-address">
                {account.address}
              </code>
              <CopyButton text={account.address} what={`address of account ${account.index + 1}`} compact />
            </span>
          </li>
        )
      })}
    </ul>
  )
}

function AddAccount() {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('addAccount')
  const [open, setOpen] = useState(false)
  const [passphrase, setPassphrase] = useState('')

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (passphrase === '' || call.waiting) return
    if ((await call.run(() => actions.addWalletAccount(passphrase))) == null) return
    setPassphrase('')
    setOpen(false)
  }

  if (!open)
    return (
      <div className="form-row form-row-start">
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Add account
        </button>
      </div>
    )
  return (
    <form className="unlock-form" aria-label="Add an account" onSubmit={(e) => void submit(e)}>
      <PassphraseSubmit
        label="Passphrase, to add the next account from the same words"
        value={passphrase}
        onChange={setPassphrase}
        submit="Add"
        busyLabel="Adding…"
        busy={call.busy}
        waiting={call.waiting}
      >
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={call.busy}>
          Cancel
        </button>
      </PassphraseSubmit>
      {call.error != null && (
        <ErrorNotice headline="No account was added" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
