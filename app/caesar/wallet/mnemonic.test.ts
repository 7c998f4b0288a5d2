/**
 * Recovery words: made with 256 bits of entropy, read back to the same entropy, and, when typed wrong,
 * refused with what to fix: the word count, an unknown word named with the list words nearest it, or a
 * failing checksum with the one-word changes to near words that would make it hold.
 */
import { mnemonicToSeedSync } from '@scure/bip39'
import { describe, expect, it } from 'vitest'
import { createMnemonic, entropyOf, mnemonicOf, mnemonicProblem, MnemonicError } from './mnemonic'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
/** BIP39's published 24-word vectors (trezor/python-mnemonic vectors.json, passphrase "TREZOR"). */
const VECTORS = [
  {
    entropy: '00'.repeat(32),
    mnemonic: `${'abandon '.repeat(23)}art`,
    seed: 'bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8',
  },
  {
    entropy: 'ff'.repeat(32),
    mnemonic: `${'zoo '.repeat(23)}vote`,
    seed: 'dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad',
  },
]

describe('recovery words', () => {
  it('follow BIP39: the published vectors’ words, entropy and seeds', () => {
    for (const v of VECTORS) {
      expect(mnemonicOf(Buffer.from(v.entropy, 'hex'))).toBe(v.mnemonic)
      expect(hex(entropyOf(v.mnemonic))).toBe(v.entropy)
      expect(hex(mnemonicToSeedSync(v.mnemonic, 'TREZOR'))).toBe(v.seed)
    }
  })

  it('are 24 fresh words that read back to their own entropy, typed in any case and spacing', () => {
    const words = createMnemonic()
    expect(words.split(' ')).toHaveLength(24)
    expect(createMnemonic()).not.toBe(words)
    const messy = `  ${words.toUpperCase().split(' ').join('   \n')} `
    expect(mnemonicOf(entropyOf(messy))).toBe(words)
  })

  it('names an unknown word as soon as it is typed, before all 24 are there', () => {
    expect(mnemonicProblem('abandon zebrra')).toMatchObject({ kind: 'unknown-word', position: 2 })
  })

  it('refuses the wrong number of words', () => {
    expect(mnemonicProblem('abandon abandon about')).toMatchObject({
      kind: 'count',
      message: 'a recovery phrase has 24 words; this has 3',
    })
  })

  it('names a word that is not in the list, with the list words nearest it', () => {
    const words = VECTORS[0]!.mnemonic.split(' ')
    words[6] = 'abandn'
    const problem = mnemonicProblem(words.join(' '))
    expect(problem).toMatchObject({ kind: 'unknown-word', position: 7, word: 'abandn' })
    expect(problem?.kind === 'unknown-word' && problem.suggestions[0]).toBe('abandon')
    expect(problem?.message).toMatch(/^word 7, “abandn”, is not a recovery word; did you mean “abandon”/)
    expect(() => entropyOf(words.join(' '))).toThrow(MnemonicError)
  })

  it('says when every word is a list word but the checksum fails, and offers the near words that fix it', () => {
    // "art" typed as "arm": a list word, one letter off, and the checksum no longer holds.
    const typo = `${'abandon '.repeat(23)}arm`
    const problem = mnemonicProblem(typo)
    expect(problem?.kind).toBe('checksum')
    if (problem?.kind !== 'checksum') return
    expect(problem.candidates).toContainEqual({ position: 24, word: 'art' })
    expect(problem.message).toMatch(/^the words do not check out: one of them is wrong, or two are swapped/)
    // Every change offered does make a valid phrase.
    for (const { position, word } of problem.candidates) {
      const fixed = typo.split(' ').map((w, i) => (i === position - 1 ? word : w))
      expect(mnemonicProblem(fixed.join(' '))).toBeNull()
    }
  })

  it('takes a valid phrase', () => {
    for (const v of VECTORS) expect(mnemonicProblem(v.mnemonic)).toBeNull()
  })
})
