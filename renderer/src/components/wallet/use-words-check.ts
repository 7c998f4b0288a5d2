/**
 * What the node says of recovery words as typed, asked a moment after the last keystroke once there are
 * 24 of them (with fewer, the node only counts them, which the form does itself).
 */
import { useEffect, useState } from 'react'
import type { WordsCheck } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { RECOVERY_WORDS, wordsOf } from './wallet-form'

export const WORDS_CHECK_DEBOUNCE_MS = 300

export type WordsCheckState =
  | { kind: 'none' }
  | { kind: 'pending' }
  | { kind: 'ready'; check: WordsCheck }
  | { kind: 'failed'; message: string }

export function useWordsCheck(text: string): WordsCheckState {
  const actions = useHyperMesh(selectActions)
  // The last answer and the text it answers: newer text shows "pending" until its own answer comes.
  const [answer, setAnswer] = useState<{ text: string; state: WordsCheckState } | null>(null)
  const empty = wordsOf(text).length < RECOVERY_WORDS
  useEffect(() => {
    if (empty) return
    let current = true
    const timer = setTimeout(() => {
      void actions.checkWords(text).then((outcome) => {
        if (!current) return
        setAnswer({
          text,
          state: outcome.ok
            ? { kind: 'ready', check: outcome.value }
            : { kind: 'failed', message: outcome.message },
        })
      })
    }, WORDS_CHECK_DEBOUNCE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [actions, text, empty])
  if (empty) return { kind: 'none' }
  return answer?.text === text ? answer.state : { kind: 'pending' }
}
