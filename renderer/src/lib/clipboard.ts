/**
 * Copy text to the clipboard. Where the Clipboard API is missing or refused (an insecure origin, a denied
 * permission), select the text on screen instead so the person can press Ctrl+C / ⌘C themselves.
 */
export type CopyOutcome = 'copied' | 'selected' | 'failed'

export async function copyText(text: string, fallbackTarget?: HTMLElement | null): Promise<CopyOutcome> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText != null) {
      await navigator.clipboard.writeText(text)
      return 'copied'
    }
  } catch {
    // fall through to selecting the text
  }
  return selectContents(fallbackTarget) ? 'selected' : 'failed'
}

export function selectContents(target?: HTMLElement | null): boolean {
  if (target == null) return false
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement) {
    target.focus()
    target.select()
    return true
  }
  const selection = window.getSelection()
  if (selection == null) return false
  selection.selectAllChildren(target)
  return true
}
