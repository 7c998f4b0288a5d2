import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { toBase64 } from './codec'
import { rejectionCode } from '../../test/support/ledger-fixture'
import { addressOf, hasTxVerdict, signTx, verifyTxSignature, type SignedTx } from './tx'
import { VerificationCache } from './verification-cache'

const CHAIN = 'c'.repeat(64)
const keys = ed25519Scheme.keygen(new Uint8Array(32).fill(3))
const from = addressOf(ed25519Scheme, keys.publicKey)
const transfer = (amount: string): SignedTx =>
  signTx(
    {
      kind: 'transfer',
      chainId: CHAIN,
      from,
      publicKey: toBase64(keys.publicKey),
      nonce: 0,
      fee: '1',
      to: 'ab'.repeat(20),
      amount,
    },
    ed25519Scheme,
    keys.secretKey,
  )
const codeOf = rejectionCode

describe('verifyTxSignature remembers verdicts in its ledger’s cache, for its own chain and signature', () => {
  it('a transaction verified once is still refused on another chain', () => {
    const cache = new VerificationCache()
    const tx = transfer('5')
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, CHAIN, cache))).toBeNull()
    expect(hasTxVerdict(tx, ed25519Scheme, cache)).toBe(true)
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, 'd'.repeat(64), cache))).toBe('wrong-chain')
  })

  it('the same body with another signature is checked again and refused, and so is the refusal kept', () => {
    const cache = new VerificationCache()
    const tx = transfer('6')
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, CHAIN, cache))).toBeNull()
    const forged = { ...tx, signature: toBase64(new Uint8Array(64).fill(1)) }
    expect(codeOf(() => verifyTxSignature(forged, ed25519Scheme, CHAIN, cache))).toBe('bad-signature')
    expect(codeOf(() => verifyTxSignature(forged, ed25519Scheme, CHAIN, cache))).toBe('bad-signature')
    const otherBody = { ...tx, body: { ...tx.body, amount: '7' } }
    expect(codeOf(() => verifyTxSignature(otherBody, ed25519Scheme, CHAIN, cache))).toBe('bad-signature')
  })

  it('two ledgers in one process share nothing: a verdict in one cache is not in another', () => {
    const [mine, theirs] = [new VerificationCache(), new VerificationCache()]
    const tx = transfer('8')
    verifyTxSignature(tx, ed25519Scheme, CHAIN, mine)
    expect(hasTxVerdict(tx, ed25519Scheme, mine)).toBe(true)
    expect(hasTxVerdict(tx, ed25519Scheme, theirs)).toBe(false)
  })

  it('a cache is bounded: the least recently used verdicts go first', () => {
    const cache = new VerificationCache()
    expect(cache.txVerdicts.max).toBe(100_000)
    expect(cache.signatures.max).toBeGreaterThan(0)
    expect(cache.vdfProofs.max).toBeGreaterThan(0)
    expect(cache.publicKeys.max).toBeGreaterThan(0)
  })
})
