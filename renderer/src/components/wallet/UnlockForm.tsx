/** The passphrase that unlocks the wallet, so that it can sign. */
import { useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice } from '../Notice'
import { PassphraseSubmit } from './PassphraseFields'
import { useWalletCall } from './use-wallet-call'

export function UnlockForm() {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('unlock')
  const [passphrase, setPassphrase] = useState('')

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (passphrase === '' || call.waiting) return
    if ((await call.run(() => actions.unlockWallet(passphrase))) != null) setPassphrase('')
  }

  return (
    <form className="unlock-form" aria-label="Unlock the wallet" onSubmit={(e) => void submit(e)}>
      <PassphraseSubmit
        label="Passphrase"
        value={passphrase}
        onChange={setPassphrase}
        submit="Unlock"
        busyLabel="Unlocking…"
        busy={call.busy}
        waiting={call.waiting}
      />
      {call.error != null && (
        <ErrorNotice headline="Not unlocked" testId="unlock-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
