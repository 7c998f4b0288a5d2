/** The passphrase that unlocks the wallet, so that it can sign. */
import { useId, useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice } from '../Notice'
import { useWalletCall } from './use-wallet-call'

export function UnlockForm() {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('unlock')
  const id = useId()
  const [passphrase, setPassphrase] = useState('')

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (passphrase === '' || call.waiting) return
    if ((await call.run(() => actions.unlockWallet(passphrase))) != null) setPassphrase('')
  }

  return (
    <form className="unlock-form" aria-label="Unlock the wallet" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Passphrase</label>
      <div className="form-row form-row-start">
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={passphrase === '' || call.waiting}
          aria-busy={call.busy}
        >
          {call.busy && <span className="spinner" aria-hidden="true" />}
          {call.busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </div>
      {call.error != null && (
        <ErrorNotice headline="Not unlocked" testId="unlock-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
