import { describe, expect, it } from 'vitest'
import { parseView, viewHash } from '../../lib/view'
import { sampleWords } from '../../testing/sample-wallet'
import {
  accountBalance,
  newPassphraseProblem,
  passphraseStrength,
  replaceWord,
  totalBalance,
  wordsOf,
} from './wallet-form'

describe('a new passphrase', () => {
  it('needs 8 characters and the same text twice, and says which is missing', () => {
    expect(newPassphraseProblem('seven77', 'seven77')).toBe('The passphrase needs at least 8 characters.')
    expect(newPassphraseProblem('eight888', 'eight88')).toBe('The two passphrases differ.')
    expect(newPassphraseProblem('eight888', 'eight888')).toBeNull()
    // Characters, not UTF-16 units: eight emoji are eight characters.
    expect(newPassphraseProblem('🔑'.repeat(8), '🔑'.repeat(8))).toBeNull()
  })

  it('is called weak, fair or strong by its length, its kinds of characters and its repetition', () => {
    expect(passphraseStrength('abc')).toMatchObject({
      level: 'too-short',
      hint: '3 of at least 8 characters',
    })
    expect(passphraseStrength('aaaaaaaaaaaaaaaa').level).toBe('weak')
    expect(passphraseStrength('password1').level).toBe('weak')
    expect(passphraseStrength('Password123!').level).toBe('fair')
    expect(passphraseStrength('correct horse battery staple').level).toBe('strong')
  })
})

describe('recovery words as typed', () => {
  it('are read in any case with any spaces, as the node reads them', () => {
    expect(wordsOf('  Legal\n winner\tTHANK ')).toEqual(['legal', 'winner', 'thank'])
    expect(wordsOf(' ')).toEqual([])
  })

  it('take a suggested word in place of the one at its position', () => {
    const typo = sampleWords.replace('thank', 'thankq')
    expect(replaceWord(typo, 3, 'thank')).toBe(sampleWords)
    expect(replaceWord('a  b\nc', 2, 'x')).toBe('a x c')
    expect(replaceWord('a b', 5, 'x')).toBe('a b')
  })
})

describe('the wallet’s total', () => {
  it('adds up the balances, an account the ledger does not list counting 0, and is null with no ledger', () => {
    const account = (index: number, balance: string | null) => ({ index, address: '0'.repeat(40), balance })
    expect(totalBalance([account(0, '12500000'), account(1, '1')], true)).toBe('12.500001')
    expect(totalBalance([account(0, '12500000'), account(1, null)], true)).toBe('12.5')
    expect(totalBalance([account(0, null)], true)).toBe('0')
    expect(totalBalance([account(0, null)], false)).toBeNull()
    expect(accountBalance(null, false)).toBeNull()
    expect(accountBalance(null, true)).toBe('0')
  })
})

describe('the wallet view’s address', () => {
  it('is #/wallet', () => {
    expect(parseView('#/wallet')).toBe('wallet')
    expect(viewHash('wallet')).toBe('#/wallet')
  })
})
