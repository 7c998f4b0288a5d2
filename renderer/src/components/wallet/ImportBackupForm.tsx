/** A backup file, opened with the passphrase it was sealed under; in place of the node's wallet only with a yes. */
import { useId, useRef, useState, type FormEvent } from 'react'
import { formatBytes } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { ReplaceConfirm } from './ReplaceConfirm'
import { SubmitRow } from './SubmitRow'
import { useWalletCall } from './use-wallet-call'

interface Picked {
  name: string
  bytes: Uint8Array
}

export function ImportBackupForm({ replacing }: { replacing: boolean }) {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('importBackup')
  const id = useId()
  const fileInput = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<Picked | null>(null)
  const [passphrase, setPassphrase] = useState('')
  const [replace, setReplace] = useState(false)
  /** A wallet was put in place of another here: the form stays, so it says so. */
  const [replaced, setReplaced] = useState(false)
  const blocker =
    file == null
      ? 'Pick the backup file.'
      : passphrase === ''
        ? 'Type the backup’s passphrase.'
        : replacing && !replace
          ? 'Confirm that this wallet replaces the one kept now.'
          : null

  const pick = async (input: HTMLInputElement): Promise<void> => {
    const picked = input.files?.[0]
    setFile(picked == null ? null : { name: picked.name, bytes: new Uint8Array(await picked.arrayBuffer()) })
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (file == null || blocker != null || call.waiting) return
    setReplaced(false)
    const imported = await call.run(() => actions.importWalletBackup(file.bytes, passphrase, replace))
    if (imported != null) {
      setFile(null)
      setPassphrase('')
      setReplace(false)
      setReplaced(replacing)
      if (fileInput.current != null) fileInput.current.value = ''
    }
  }

  return (
    <form className="wallet-form" aria-label="Import a backup file" onSubmit={(e) => void submit(e)}>
      <div className="wallet-fields">
        <span className="field">
          <label htmlFor={`${id}-file`}>Backup file</label>
          <input
            id={`${id}-file`}
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            onChange={(e) => void pick(e.target)}
          />
          {file != null && (
            <span className="muted field-hint">
              {file.name}, {formatBytes(file.bytes.length)}
            </span>
          )}
        </span>
        <span className="field">
          <label htmlFor={`${id}-passphrase`}>The backup’s passphrase</label>
          <input
            id={`${id}-passphrase`}
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <span className="muted field-hint">The passphrase the wallet had when the backup was made.</span>
        </span>
      </div>
      {replacing && <ReplaceConfirm checked={replace} onChange={setReplace} />}
      <SubmitRow
        label={replacing ? 'Import in its place' : 'Import backup'}
        busyLabel="Importing…"
        busy={call.busy}
        waiting={call.waiting}
        blocker={blocker}
        danger={replacing}
      />
      {replaced && (
        <SuccessNotice testId="wallet-replaced">
          Imported: this node now keeps the wallet of this backup, unlocked, under the backup’s passphrase.
        </SuccessNotice>
      )}
      {call.error != null && (
        <ErrorNotice headline="The backup was not imported" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
