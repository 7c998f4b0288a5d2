/** The current passphrase opens the wallet file, and the new one (typed twice) seals it again. */
import { useId, useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { CurrentPassphraseInput, emptyPassphrase, PassphraseFields } from './PassphraseFields'
import { SubmitRow } from './SubmitRow'
import { useWalletCall } from './use-wallet-call'
import { newPassphraseProblem } from './wallet-form'

export function ChangePassphraseForm() {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('changePassphrase')
  const id = useId()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState(emptyPassphrase)
  const [changed, setChanged] = useState(false)
  const blocker =
    current === ''
      ? 'Type the current passphrase.'
      : (newPassphraseProblem(next.passphrase, next.again) ??
        (next.passphrase === current ? 'The new passphrase is the current one.' : null))

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (blocker != null || call.waiting) return
    setChanged(false)
    if ((await call.run(() => actions.changeWalletPassphrase(current, next.passphrase))) == null) return
    setCurrent('')
    setNext(emptyPassphrase)
    setChanged(true)
  }

  return (
    <form className="wallet-form" aria-label="Change the passphrase" onSubmit={(e) => void submit(e)}>
      <span className="field">
        <label htmlFor={id}>Current passphrase</label>
        <CurrentPassphraseInput id={id} value={current} onChange={setCurrent} />
      </span>
      <PassphraseFields value={next} onChange={setNext} label="New passphrase" />
      <SubmitRow
        label="Change passphrase"
        busyLabel="Changing…"
        busy={call.busy}
        waiting={call.waiting}
        blocker={blocker}
      />
      {changed && (
        <SuccessNotice testId="passphrase-changed">
          The passphrase is changed. Backups exported before still open with the old one: export a new backup.
        </SuccessNotice>
      )}
      {call.error != null && (
        <ErrorNotice headline="The passphrase was not changed" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
