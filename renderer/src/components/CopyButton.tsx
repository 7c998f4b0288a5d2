import { useEffect, useState, type RefObject } from 'react'
import { copyText, type CopyOutcome } from '../lib/clipboard'

interface CopyButtonProps {
  text: string | null | undefined
  /** What to select on screen when the clipboard is unavailable. */
  target?: RefObject<HTMLElement | null>
  label?: string
  /** Names what is copied, for screen readers ("Copy peer id"). */
  what: string
  testId?: string
  compact?: boolean
}

const feedback: Record<CopyOutcome, string> = {
  copied: 'Copied',
  selected: 'Selected — press Ctrl+C',
  failed: 'Copy failed',
}

/** Copies `text`; says "Copied" for a moment, or selects the text when the clipboard is unavailable. */
export function CopyButton({ text, target, label = 'Copy', what, testId, compact }: CopyButtonProps) {
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null)

  useEffect(() => {
    if (outcome == null) return
    const timer = setTimeout(() => setOutcome(null), 2_000)
    return () => clearTimeout(timer)
  }, [outcome])

  const onClick = async (): Promise<void> => {
    if (text == null || text === '') return
    setOutcome(await copyText(text, target?.current))
  }

  return (
    <button
      type="button"
      className={`button ${compact ? 'button-compact' : ''} ${outcome === 'copied' ? 'is-done' : ''}`}
      onClick={() => void onClick()}
      disabled={text == null || text === ''}
      aria-label={outcome == null ? `Copy ${what}` : undefined}
      data-testid={testId}
    >
      <span aria-live="polite">{outcome == null ? label : feedback[outcome]}</span>
    </button>
  )
}
