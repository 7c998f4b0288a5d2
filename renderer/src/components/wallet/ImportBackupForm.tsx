/** A backup file, opened with the passphrase it was sealed under; in place of the node's wallet only with a yes. */
import { useId, useRef, useState, type FormEvent } from 'react'
import { formatBytes } from '../../lib/format'
import { pickedFile, type PickedFile } from '../../lib/picked-file'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice } from '../Notice'
import { CurrentPassphraseInput } from './PassphraseFields'
import { replaceBlocker, ReplaceSubmit } from './ReplaceConfirm'
import { useWalletCall } from './use-wallet-call'

export function ImportBackupForm({ replacing }: { replacing: boolean }) {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('importBackup')
  const id = useId()
  const fileInput = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<PickedFile | null>(null)
  const [passphrase, setPassphrase] = useState('')
  const [replace, setReplace] = useState(false)
  /** A wallet was put in place of another here: the form stays, so it says so. */
  const [replaced, setReplaced] = useState(false)
  const blocker =
    file == null
      ? 'Pick the backup file.'
      : passphrase === ''
        ? 'Type the backup’s passphrase.'
        : replaceBlocker(replacing, replace)

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
            onChange={(e) => void pickedFile(e.target).then(setFile)}
          />
          {file != null && (
            <span className="muted field-hint">
              {file.name}, {formatBytes(file.bytes.length)}
            </span>
          )}
        </span>
        <span className="field">
          <label htmlFor={`${id}-passphrase`}>The backup’s passphrase</label>
          <CurrentPassphraseInput id={`${id}-passphrase`} value={passphrase} onChange={setPassphrase} />
          <span className="muted field-hint">The passphrase the wallet had when the backup was made.</span>
        </span>
      </div>
      <ReplaceSubmit
        replacing={replacing}
        confirmed={replace}
        onConfirm={setReplace}
        label="Import backup"
        replaceLabel="Import in its place"
        busyLabel="Importing…"
        busy={call.busy}
        waiting={call.waiting}
        blocker={blocker}
        replaced={replaced}
        replacedNote="Imported: this node now keeps the wallet of this backup, unlocked, under the backup’s passphrase."
      />
      {call.error != null && (
        <ErrorNotice headline="The backup was not imported" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
