import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { toBase64 } from './codec'
import { rejectionCode } from '../../test/support/ledger-fixture'
import { addressOf, signTx, verifyTxSignature, type SignedTx } from './tx'

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

describe('verifyTxSignature remembers only what verified, for its own chain and signature', () => {
  it('a transaction verified once is still refused on another chain', () => {
    const tx = transfer('5')
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, CHAIN))).toBeNull()
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, 'd'.repeat(64)))).toBe('wrong-chain')
  })

  it('the same body with another signature is checked again and refused', () => {
    const tx = transfer('6')
    expect(codeOf(() => verifyTxSignature(tx, ed25519Scheme, CHAIN))).toBeNull()
    const forged = { ...tx, signature: toBase64(new Uint8Array(64).fill(1)) }
    expect(codeOf(() => verifyTxSignature(forged, ed25519Scheme, CHAIN))).toBe('bad-signature')
    const otherBody = { ...tx, body: { ...tx.body, amount: '7' } }
    expect(codeOf(() => verifyTxSignature(otherBody, ed25519Scheme, CHAIN))).toBe('bad-signature')
  })
})
