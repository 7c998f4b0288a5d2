/**
 * The wallet's recovery words: a BIP39 mnemonic of 24 English words (256 bits of entropy and an 8-bit
 * checksum), made with @scure/bip39. Words typed back in are checked so that the person learns what to
 * fix: a word that is not in the list is named with the list words closest to it, and when every word is
 * a list word but the checksum fails, the one-word changes to a similar word that would make it check out
 * are offered (a checksum cannot say for sure which word is wrong; a typo usually lands on a near word).
 */
import { entropyToMnemonic, generateMnemonic, mnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { distance } from 'fastest-levenshtein'

export const MNEMONIC_WORDS = 24
const STRENGTH_BITS = 256
/** How far a suggested word may be from the word typed (edits). */
const NEAR = 2
const WORDS = new Set(wordlist)

export type MnemonicProblem =
  | { kind: 'count'; message: string }
  | { kind: 'unknown-word'; message: string; position: number; word: string; suggestions: string[] }
  | {
      kind: 'checksum'
      message: string
      /** One-word changes (1-based position, word) that make the checksum hold, nearest first. */
      candidates: { position: number; word: string }[]
    }

/** A new mnemonic of {@link MNEMONIC_WORDS} words from 256 bits of the system's randomness. */
export const createMnemonic = (): string => generateMnemonic(wordlist, STRENGTH_BITS)

/** The words as a person may type them: any case, any spaces between them. */
export const normaliseMnemonic = (text: string): string[] =>
  text.normalize('NFKD').toLowerCase().trim().split(/\s+/).filter(Boolean)

/** The 32 bytes of entropy the words hold; throws MnemonicError with the first problem. */
export function entropyOf(text: string): Uint8Array {
  const problem = mnemonicProblem(text)
  if (problem != null) throw new MnemonicError(problem)
  return mnemonicToEntropy(normaliseMnemonic(text).join(' '), wordlist)
}

export const mnemonicOf = (entropy: Uint8Array): string => entropyToMnemonic(entropy, wordlist)

export class MnemonicError extends Error {
  constructor(readonly problem: MnemonicProblem) {
    super(problem.message)
    this.name = 'MnemonicError'
  }
}

/** What is wrong with the words typed, or null when they are a valid 24-word mnemonic. */
export function mnemonicProblem(text: string): MnemonicProblem | null {
  const words = normaliseMnemonic(text)
  const unknown = words.findIndex((word) => !WORDS.has(word))
  if (unknown >= 0) {
    const word = words[unknown]!
    const suggestions = nearestWords(word, 3)
    return {
      kind: 'unknown-word',
      position: unknown + 1,
      word,
      suggestions,
      message:
        `word ${unknown + 1}, “${word}”, is not a recovery word` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `“${s}”`).join(' or ')}?` : ''),
    }
  }
  if (words.length !== MNEMONIC_WORDS)
    return {
      kind: 'count',
      message: `a recovery phrase has ${MNEMONIC_WORDS} words; this has ${words.length}`,
    }
  if (checksumHolds(words)) return null
  const candidates = checksumRepairs(words)
  const offered = candidates
    .slice(0, 3)
    .map((c) => `word ${c.position} “${words[c.position - 1]}” may be “${c.word}”`)
  return {
    kind: 'checksum',
    candidates,
    message:
      'the words do not check out: one of them is wrong, or two are swapped' +
      (offered.length > 0 ? ` (${offered.join('; ')})` : ''),
  }
}

function checksumHolds(words: readonly string[]): boolean {
  try {
    mnemonicToEntropy(words.join(' '), wordlist)
    return true
  } catch {
    return false
  }
}

/** List words within {@link NEAR} edits of `word`, nearest first, at most `most`. */
function nearestWords(word: string, most: number): string[] {
  return wordlist
    .map((candidate) => ({ candidate, d: distance(word, candidate) }))
    .filter(({ d }) => d <= NEAR)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, most)
    .map(({ candidate }) => candidate)
}

/** Every change of one word to a near list word that makes the checksum hold, nearest first. */
function checksumRepairs(words: readonly string[]): { position: number; word: string }[] {
  const repairs: { position: number; word: string; d: number }[] = []
  words.forEach((typed, i) => {
    for (const candidate of wordlist) {
      if (candidate === typed) continue
      const d = distance(typed, candidate)
      if (d > NEAR) continue
      const changed = words.map((w, j) => (j === i ? candidate : w))
      if (checksumHolds(changed)) repairs.push({ position: i + 1, word: candidate, d })
    }
  })
  return repairs
    .sort((a, b) => a.d - b.d || a.position - b.position)
    .map(({ position, word }) => ({ position, word }))
}
