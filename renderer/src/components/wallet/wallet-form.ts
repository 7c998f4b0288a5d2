/** The wallet forms' pure parts: the passphrase rule and a strength hint, recovery words as typed, totals. */
import { formatCaesar, MIN_PASSPHRASE_CHARS, type WalletAccount } from '../../../../shared/api'

export { MIN_PASSPHRASE_CHARS }
export const RECOVERY_WORDS = 24

const charsOf = (text: string): string[] => [...text.normalize('NFKC')]

export type StrengthLevel = 'too-short' | 'weak' | 'fair' | 'strong'

export interface Strength {
  level: StrengthLevel
  /** 0–100, for a meter. */
  percent: number
  hint: string
}

/**
 * A rough guess at how hard a passphrase is to guess, for a hint as it is typed: its length times the
 * bits of the kinds of characters it uses, less when it repeats itself. Not a promise, a nudge.
 */
export function passphraseStrength(passphrase: string): Strength {
  const chars = charsOf(passphrase)
  if (chars.length < MIN_PASSPHRASE_CHARS) {
    return {
      level: 'too-short',
      percent: (chars.length / MIN_PASSPHRASE_CHARS) * 25,
      hint: `${chars.length} of at least ${MIN_PASSPHRASE_CHARS} characters`,
    }
  }
  const pool =
    (/[a-z]/.test(passphrase) ? 26 : 0) +
    (/[A-Z]/.test(passphrase) ? 26 : 0) +
    (/[0-9]/.test(passphrase) ? 10 : 0) +
    (/[^a-zA-Z0-9]/.test(passphrase) ? 33 : 0)
  const distinct = new Set(chars).size
  const bits = Math.min(chars.length, distinct * 2) * Math.log2(Math.max(pool, 2))
  if (bits < 50)
    return {
      level: 'weak',
      percent: 40,
      hint: 'Weak: easy to guess for someone who has the file. Make it longer.',
    }
  if (bits < 80)
    return {
      level: 'fair',
      percent: 70,
      hint: 'Fair. Longer is stronger: a few unrelated words are hard to guess and easy to remember.',
    }
  return { level: 'strong', percent: 100, hint: 'Strong.' }
}

/** Why a new passphrase typed twice cannot be used yet, or null. */
export function newPassphraseProblem(passphrase: string, again: string): string | null {
  if (charsOf(passphrase).length < MIN_PASSPHRASE_CHARS)
    return `The passphrase needs at least ${MIN_PASSPHRASE_CHARS} characters.`
  if (again !== passphrase) return 'The two passphrases differ.'
  return null
}

/** The words as typed: any case, any spaces between them (as the node reads them). */
export const wordsOf = (text: string): string[] =>
  text.normalize('NFKD').toLowerCase().trim().split(/\s+/).filter(Boolean)

/** The text with its word at `position` (1-based) replaced, the words separated by single spaces. */
export function replaceWord(text: string, position: number, word: string): string {
  const words = wordsOf(text)
  if (position < 1 || position > words.length) return text
  words[position - 1] = word
  return words.join(' ')
}

/**
 * An account's balance in units; null while the node has no ledger. A wallet status read before the
 * node's ledger came up still says null after it has: with the chain available, that is 0.
 */
export function accountBalance(balance: string | null, ledger: boolean): string | null {
  return balance ?? (ledger ? '0' : null)
}

/** The accounts' balances added up, in CAESAR; null while the node has no ledger. */
export function totalBalance(accounts: readonly WalletAccount[], ledger: boolean): string | null {
  const known = accounts.map((a) => accountBalance(a.balance, ledger)).filter((b) => b != null)
  if (known.length === 0) return null
  return formatCaesar(known.reduce((sum, b) => sum + BigInt(b), 0n).toString())
}

/** Saves a file the page made (a backup) through the browser's download. */
export function saveFile(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
