import { describe, expect, it } from 'vitest'
import { falcon1024Scheme } from '../../consensus/signature-scheme'
import { addressOf } from '../../consensus/tx'
import { leaseProofsRefusal, newChallenge, proveForLease, type LedgerView } from './lease-proofs'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const OTHER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'
const PARAMS = { workDifficultyBits: 8, vdfSquarings: 2_000 }
const keys = falcon1024Scheme.keygen()
const address = addressOf(falcon1024Scheme, keys.publicKey)
const staked: LedgerView = {
  bondedOf: (a) => (a === address ? 1_000n : 0n),
  hasProvenSpace: (a) => a === address,
}
const unknown: LedgerView = { bondedOf: () => 0n, hasProvenSpace: () => false }

describe('the proofs a lease must carry', () => {
  it('accepts all four, made for this challenge and peer by a staked key with proven space', () => {
    const asked = newChallenge(['stake', 'space', 'work', 'time'], PARAMS)
    expect(leaseProofsRefusal(asked, proveForLease(asked, PEER, keys), PEER, staked)).toBeNull()
  })

  it('refuses a key without stake or proven space on the owner’s ledger, saying what to do', () => {
    const asked = newChallenge(['stake'], PARAMS)
    expect(leaseProofsRefusal(asked, proveForLease(asked, PEER, keys), PEER, unknown)).toMatch(
      /^PoStake: account [0-9a-f]{40} has no bonded stake on this owner's ledger; stake CAESAR first$/,
    )
    const space = newChallenge(['space'], PARAMS)
    expect(leaseProofsRefusal(space, proveForLease(space, PEER, keys), PEER, unknown)).toMatch(/^PoSpace: /)
  })

  it('refuses proofs for another challenge (replayed), another peer, or with a forged signature', () => {
    const asked = newChallenge(['work', 'time'], PARAMS)
    const answer = proveForLease(asked, PEER, keys)
    const later = newChallenge(['work', 'time'], PARAMS)
    expect(leaseProofsRefusal(later, answer, PEER, staked)).toMatch(/not signed for this challenge and peer/)
    expect(leaseProofsRefusal(asked, answer, OTHER, staked)).toMatch(/not signed for this challenge and peer/)
    const forged = Buffer.from(answer.signature, 'base64')
    forged[10]! ^= 1
    expect(
      leaseProofsRefusal(asked, { ...answer, signature: forged.toString('base64') }, PEER, staked),
    ).toMatch(/not signed/)
    expect(leaseProofsRefusal(asked, { ...answer, publicKey: 'AAAA' }, PEER, staked)).toBe(
      'the proofs carry no FALCON-1024 key',
    )
  })

  it('refuses missing or wrong work and time, even when signed by the asker', () => {
    const asked = newChallenge(['work', 'time'], PARAMS)
    // Proved for less than was asked: signed, but without the work or the VDF.
    const onlyTime = proveForLease({ ...asked, need: ['time'] }, PEER, keys)
    expect(leaseProofsRefusal(asked, onlyTime, PEER, staked)).toMatch(/^PoWork: /)
    const onlyWork = proveForLease({ ...asked, need: ['work'] }, PEER, keys)
    expect(leaseProofsRefusal(asked, onlyWork, PEER, staked)).toMatch(/^PoTime: /)
    // A VDF of fewer squarings than the owner's parameters.
    const cheap = proveForLease({ ...asked, params: { ...PARAMS, vdfSquarings: 100 } }, PEER, keys)
    expect(leaseProofsRefusal(asked, cheap, PEER, staked)).toMatch(/^PoTime: /)
  })
})
