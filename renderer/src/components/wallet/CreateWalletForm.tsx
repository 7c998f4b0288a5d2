/** A new wallet under a passphrase typed twice; the node answers with its recovery words (shown next). */
import { useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice } from '../Notice'
import { emptyPassphrase, PassphraseFields } from './PassphraseFields'
import { SubmitRow } from './SubmitRow'
import { useWalletCall } from './use-wallet-call'
import { newPassphraseProblem } from './wallet-form'

export function CreateWalletForm() {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('create')
  const [passphrase, setPassphrase] = useState(emptyPassphrase)
  const blocker = newPassphraseProblem(passphrase.passphrase, passphrase.again)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (blocker != null || call.waiting) return
    await call.run(() => actions.createWallet(passphrase.passphrase))
  }

  return (
    <form className="wallet-form" aria-label="Create a wallet" onSubmit={(e) => void submit(e)}>
      <p className="lead">
        A new wallet of 24 recovery words, made on this node and sealed under a passphrase you choose. Next
        you write the words down.
      </p>
      <PassphraseFields value={passphrase} onChange={setPassphrase} />
      <SubmitRow
        label="Create wallet"
        busyLabel="Creating…"
        busy={call.busy}
        blocker={blocker}
        waiting={call.waiting}
      />
      {call.error != null && (
        <ErrorNotice headline="The wallet was not created" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
