/**
 * A wallet just made: its 24 recovery words, numbered, with what they mean; then three of them typed back
 * by position before the wallet is shown. Confirming drops the words from the store.
 */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import type { FreshWallet } from '../../store/wallet-types'
import { Card } from '../Card'
import { ErrorNotice } from '../Notice'

export function NewWalletWords({ fresh }: { fresh: FreshWallet }) {
  const [step, setStep] = useState<'show' | 'confirm'>('show')
  // The node shows the words only once: leaving the page now would lose them.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent): void => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [])
  return (
    <Card title="Your recovery words" className="span-12 wallet-words-card" testId="wallet-words-card">
      {step === 'show' ? (
        <ShowWords words={fresh.words} onContinue={() => setStep('confirm')} />
      ) : (
        <ConfirmWords positions={fresh.confirm} onBack={() => setStep('show')} />
      )}
    </Card>
  )
}

export function ShowWords({ words, onContinue }: { words: readonly string[]; onContinue(): void }) {
  const [written, setWritten] = useState(false)
  return (
    <>
      <div className="wallet-warning" role="note" aria-label="Keep these words safe">
        <strong>
          Write these {words.length} words down, in order, on paper, and keep them somewhere safe.
        </strong>
        <ul>
          <li>
            Anyone who has them has this wallet and its funds: never share them or type them into a website.
          </li>
          <li>
            HyperMesh cannot recover them for you. They are shown only now; leaving this page loses them.
          </li>
          <li>With them you can restore the wallet on any node, even if you forget the passphrase.</li>
        </ul>
      </div>
      <ol className="recovery-words" aria-label="Recovery words" data-testid="recovery-words">
        {words.map((word, i) => (
          <li key={i}>
            <span className="recovery-number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="recovery-word mono">{word}</span>
          </li>
        ))}
      </ol>
      <label className="check">
        <input type="checkbox" checked={written} onChange={(e) => setWritten(e.target.checked)} />
        <span>I have written down all {words.length} words, in order.</span>
      </label>
      <div className="form-row form-row-start">
        <button type="button" className="button button-primary" disabled={!written} onClick={onContinue}>
          Continue
        </button>
      </div>
    </>
  )
}

export function ConfirmWords({ positions, onBack }: { positions: readonly number[]; onBack(): void }) {
  const actions = useHyperMesh(selectActions)
  const id = useId()
  const [answers, setAnswers] = useState<string[]>(() => positions.map(() => ''))
  const [error, setError] = useState<string | null>(null)
  const filled = answers.every((a) => a.trim() !== '')

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    const outcome = actions.confirmWords(answers)
    setError(outcome.ok ? null : outcome.message)
  }

  return (
    <form className="wallet-form" aria-label="Confirm your recovery words" onSubmit={submit}>
      <p className="lead">
        To be sure they are written down right, type the words at these positions from what you wrote.
      </p>
      <div className="confirm-words">
        {positions.map((position, i) => (
          <span className="field" key={position}>
            <label htmlFor={`${id}-${position}`}>Word {position}</label>
            <input
              id={`${id}-${position}`}
              className="mono"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={answers[i]}
              onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))}
            />
          </span>
        ))}
      </div>
      <div className="form-row form-row-start">
        <button type="submit" className="button button-primary" disabled={!filled}>
          Confirm and finish
        </button>
        <button type="button" className="button" onClick={onBack}>
          Show the words again
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="Not confirmed" testId="confirm-error">
          {error}
        </ErrorNotice>
      )}
    </form>
  )
}
