/** The wallet at a glance: its total balance, locked or not, and what to do next (unlock, lock, back up). */
import { useState } from 'react'
import type { WalletStatus } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { Card } from '../Card'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { BusyButton } from './SubmitRow'
import { UnlockForm } from './UnlockForm'
import { useWalletCall } from './use-wallet-call'
import { saveFile, totalBalance } from './wallet-form'

export function WalletOverview({ status, ledger }: { status: WalletStatus; ledger: boolean }) {
  const total = totalBalance(status.accounts, ledger)
  return (
    <Card
      title="Your wallet"
      className="span-12 wallet-overview"
      testId="wallet-overview"
      aside={
        <span
          className={`badge ${status.locked ? 'badge-locked' : 'badge-joined'}`}
          data-testid="wallet-state"
        >
          {status.locked ? 'Locked' : 'Unlocked'}
        </span>
      }
    >
      <div className="wallet-summary">
        <div>
          <span className="muted">Total balance</span>
          {total == null ? (
            <p className="wallet-total-none" data-testid="wallet-total">
              No ledger yet: balances show once this node follows a chain.
            </p>
          ) : (
            <p className="wallet-total" data-testid="wallet-total">
              {total} <span className="wallet-unit">CAESAR</span>
            </p>
          )}
          <span className="muted">
            {status.accounts.length} {status.accounts.length === 1 ? 'account' : 'accounts'}
            {status.createdAt != null && ` · made ${new Date(status.createdAt).toLocaleDateString()}`}
          </span>
        </div>
        {status.locked ? (
          <div className="wallet-lock-panel">
            <p className="muted">
              Locked: its accounts are shown, but nothing can be signed until you unlock it.
            </p>
            <UnlockForm />
          </div>
        ) : (
          <UnlockedActions />
        )}
      </div>
    </Card>
  )
}

function UnlockedActions() {
  const actions = useHyperMesh(selectActions)
  const lock = useWalletCall('lock')
  const backup = useWalletCall('exportBackup')
  const [saved, setSaved] = useState<string | null>(null)

  const exportBackup = async (): Promise<void> => {
    setSaved(null)
    const file = await backup.run(() => actions.exportWalletBackup())
    if (file == null) return
    saveFile(file.fileName, file.blob)
    setSaved(file.fileName)
  }

  return (
    <div className="wallet-actions">
      <div className="form-row form-row-end">
        <BusyButton
          type="button"
          kind="plain"
          label="Export backup"
          busyLabel="Exporting…"
          busy={backup.busy}
          disabled={backup.waiting}
          onClick={() => void exportBackup()}
        />
        <button
          type="button"
          className="button button-primary"
          disabled={lock.waiting}
          aria-busy={lock.busy}
          onClick={() => void lock.run(() => actions.lockWallet())}
        >
          {lock.busy ? 'Locking…' : 'Lock'}
        </button>
      </div>
      {saved != null && (
        <SuccessNotice testId="backup-saved">
          Saved {saved}. It is sealed: it opens only with this wallet’s passphrase as it is now.
        </SuccessNotice>
      )}
      {backup.error != null && (
        <ErrorNotice headline="The backup was not exported" testId="wallet-error">
          {backup.error}
        </ErrorNotice>
      )}
      {lock.error != null && (
        <ErrorNotice headline="Not locked" testId="wallet-error">
          {lock.error}
        </ErrorNotice>
      )}
    </div>
  )
}
