/**
 * What is wrong with recovery words as typed, in words: how many there are so far, a word that is not a
 * recovery word with the list words near it, or a checksum that fails with the one-word fixes it allows.
 * Each suggestion is a button that puts the word in place.
 */
import type { WordsCheck } from '../../../../shared/api'
import type { WordsCheckState } from './use-words-check'
import { RECOVERY_WORDS } from './wallet-form'

const MAX_FIXES = 6

export function WordsCheckNotice({
  state,
  typed,
  onReplace,
}: {
  state: WordsCheckState
  /** How many words are typed now (counted here, so the count follows each keystroke). */
  typed: number
  onReplace(position: number, word: string): void
}) {
  if (typed === 0)
    return <p className="muted field-hint">{RECOVERY_WORDS} words, in order, separated by spaces.</p>
  if (typed < RECOVERY_WORDS)
    return (
      <p className="muted field-hint" data-testid="words-count">
        {typed} of {RECOVERY_WORDS} words.
      </p>
    )
  if (state.kind === 'failed')
    return (
      <p className="field-hint field-problem" role="status">
        The words could not be checked: {state.message}
      </p>
    )
  if (state.kind === 'pending' || state.kind === 'none')
    return <p className="muted field-hint">Checking the words…</p>
  if (state.check.problem == null)
    return (
      <p className="field-hint field-ok" role="status" data-testid="words-ok">
        ✓ The {RECOVERY_WORDS} words check out.
      </p>
    )
  return <WordsProblem problem={state.check.problem} onReplace={onReplace} />
}

function WordsProblem({
  problem,
  onReplace,
}: {
  problem: NonNullable<WordsCheck['problem']>
  onReplace(position: number, word: string): void
}) {
  const fixes = problem.suggestions.slice(0, MAX_FIXES)
  return (
    <div className="words-problem" role="status" data-testid="words-problem">
      <p className="words-problem-message">{problem.message}</p>
      {fixes.length > 0 && (
        <div className="chips" aria-label={problem.kind === 'checksum' ? 'Possible fixes' : 'Suggestions'}>
          {fixes.map(({ position, word }) => (
            <button
              key={`${position}-${word}`}
              type="button"
              className="chip"
              aria-label={`Use “${word}” as word ${position}`}
              onClick={() => onReplace(position, word)}
            >
              {problem.kind === 'checksum' && <span className="chip-position">word {position} →</span>}
              {word}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
