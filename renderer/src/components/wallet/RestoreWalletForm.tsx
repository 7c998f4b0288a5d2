/**
 * A wallet restored from its 24 recovery words, checked as they are typed, under a new passphrase; in
 * place of the node's wallet only with an explicit yes.
 */
import { useId, useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { ErrorNotice } from '../Notice'
import { emptyPassphrase, PassphraseFields } from './PassphraseFields'
import { replaceBlocker, ReplaceSubmit } from './ReplaceConfirm'
import { useWalletCall } from './use-wallet-call'
import { useWordsCheck, type WordsCheckState } from './use-words-check'
import { WordsCheckNotice } from './WordsCheckNotice'
import { newPassphraseProblem, RECOVERY_WORDS, replaceWord, wordsOf } from './wallet-form'

/** Why the words cannot be restored as they stand, or null. */
function wordsBlocker(typed: number, check: WordsCheckState): string | null {
  if (typed !== RECOVERY_WORDS) return `Type all ${RECOVERY_WORDS} recovery words.`
  if (check.kind === 'ready') return check.check.problem == null ? null : 'Fix the words first.'
  if (check.kind === 'failed') return 'The words could not be checked.'
  return 'Checking the words…'
}

export function RestoreWalletForm({ replacing }: { replacing: boolean }) {
  const actions = useHyperMesh(selectActions)
  const call = useWalletCall('restore')
  const id = useId()
  const [text, setText] = useState('')
  const [passphrase, setPassphrase] = useState(emptyPassphrase)
  const [replace, setReplace] = useState(false)
  /** A wallet was put in place of another here: the form stays, so it says so. */
  const [replaced, setReplaced] = useState(false)
  const typed = wordsOf(text).length
  const check = useWordsCheck(text)
  const blocker =
    wordsBlocker(typed, check) ??
    newPassphraseProblem(passphrase.passphrase, passphrase.again) ??
    replaceBlocker(replacing, replace)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (blocker != null || call.waiting) return
    setReplaced(false)
    const restored = await call.run(() => actions.restoreWallet(text, passphrase.passphrase, replace))
    if (restored != null) {
      setText('')
      setPassphrase(emptyPassphrase)
      setReplace(false)
      setReplaced(replacing)
    }
  }

  return (
    <form className="wallet-form" aria-label="Restore from recovery words" onSubmit={(e) => void submit(e)}>
      <span className="field">
        <label htmlFor={id}>Recovery words</label>
        <textarea
          id={id}
          className="mono"
          rows={4}
          value={text}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby={`${id}-check`}
          onChange={(e) => setText(e.target.value)}
        />
        <div id={`${id}-check`} aria-live="polite">
          <WordsCheckNotice
            state={check}
            typed={typed}
            onReplace={(position, word) => setText(replaceWord(text, position, word))}
          />
        </div>
      </span>
      <PassphraseFields value={passphrase} onChange={setPassphrase} label="New passphrase" />
      <ReplaceSubmit
        replacing={replacing}
        confirmed={replace}
        onConfirm={setReplace}
        label="Restore wallet"
        replaceLabel="Restore in its place"
        busyLabel="Restoring…"
        busy={call.busy}
        waiting={call.waiting}
        blocker={blocker}
        replaced={replaced}
        replacedNote="Restored: this node now keeps the wallet of these words, unlocked, under the new passphrase."
      />
      {call.error != null && (
        <ErrorNotice headline="The wallet was not restored" testId="wallet-error">
          {call.error}
        </ErrorNotice>
      )}
    </form>
  )
}
