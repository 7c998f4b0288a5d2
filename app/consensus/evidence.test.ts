/**
 * Issue 17, item 3: one equivocation must be punished once. Base64 that differs only in its unused bits
 * decodes to the same signature; before the fix every such spelling hashed to a new evidence id and was
 * slashed again (64 times in the attack), and so was evidence of the same offence with a third vote.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { rejectionCode, TEST_CHAIN, testGenesis, testValidators } from '../../test/support/ledger-fixture'
import type { Evidence } from './block'
import { Chain } from './chain'
import { fromBase64, isCanonicalBase64, toBase64 } from './codec'
import { ConsensusDriver, type Clock } from './driver'
import { applyEvidence, beginBlock } from './execute'
import { MemoryBlockStore } from './memory-store'
import { ConsensusMessage } from './messages'
import { signVote, type Unsigned, type Vote } from './votes'

const offender = testValidators[1]!
const key = { scheme: ed25519Scheme, address: offender.address, secretKey: offender.secretKey }
const vote = (blockHash: string | null, round = 0): Vote =>
  signVote(
    { type: 'prevote', chainId: TEST_CHAIN, height: 1, round, blockHash, validator: offender.address },
    key,
  )

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Every spelling of `base64` that differs only in the unused bits of its last character. */
function spellings(base64: string): string[] {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0
  if (padding === 0) return [base64]
  const at = base64.length - padding - 1
  const value = ALPHABET.indexOf(base64[at]!)
  const unused = padding === 1 ? 4 : 16
  return Array.from(
    { length: unused },
    (_, i) => base64.slice(0, at) + ALPHABET[value - (value % unused) + i] + base64.slice(at + 1),
  )
}

describe('canonical base64', () => {
  it('decodes only the one spelling of each byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = toBase64(bytes)
        expect(isCanonicalBase64(text)).toBe(true)
        expect(fromBase64(text)).toEqual(bytes)
        for (const other of spellings(text).filter((s) => s !== text)) {
          // Node decodes the other spellings to the same bytes; the ledger must refuse them.
          expect(Buffer.from(other, 'base64')).toEqual(Buffer.from(bytes))
          expect(isCanonicalBase64(other)).toBe(false)
          expect(() => fromBase64(other)).toThrow(/canonical/)
        }
      }),
    )
    for (const bad of ['A', 'AB=', 'A===', 'AB==AB==', 'ab-_', 'AB\n==', ' AA=']) {
      expect(isCanonicalBase64(bad)).toBe(false)
    }
  })

  it('a consensus message carrying a re-spelled signature or key is refused by the schema', () => {
    const honest = vote('b'.repeat(64))
    expect(ConsensusMessage.safeParse({ type: 'vote', vote: honest }).success).toBe(true)
    const [respelled] = spellings(honest.signature).filter((s) => s !== honest.signature)
    const parsed = ConsensusMessage.safeParse({ type: 'vote', vote: { ...honest, signature: respelled } })
    expect(parsed.success).toBe(false)
  })
})

describe('one equivocation is punished once', () => {
  const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
  const a = vote('b'.repeat(64))
  const b = vote('c'.repeat(64))
  const bonded = (state = chain.state): bigint => state.account(offender.address)!.bonded

  it('re-spelled signatures, the votes swapped or a third conflicting vote are refused after the first', () => {
    const state = beginBlock(chain.state, 1, 1_000, chain.params)
    applyEvidence(state, { kind: 'duplicate-vote', a, b }, chain.ctx)
    const afterOne = bonded(state)
    expect(afterOne).toBeLessThan(bonded())
    const variants: Evidence[] = []
    for (const sa of spellings(a.signature))
      for (const sb of spellings(b.signature).slice(0, 4))
        variants.push({ kind: 'duplicate-vote', a: { ...a, signature: sa }, b: { ...b, signature: sb } })
    expect(variants.length).toBe(64)
    variants.push({ kind: 'duplicate-vote', a: b, b: a })
    variants.push({ kind: 'duplicate-vote', a, b: vote('d'.repeat(64)) })
    variants.push({ kind: 'duplicate-vote', a, b: vote(null) })
    const codes = variants.map((e) => rejectionCode(() => applyEvidence(state, e, chain.ctx)))
    expect(codes.every((c) => c === 'duplicate')).toBe(true)
    expect(bonded(state)).toBe(afterOne)
  })

  it('a re-spelled signature is not a valid vote signature', () => {
    const state = beginBlock(chain.state, 1, 1_000, chain.params)
    const respelled = spellings(a.signature).find((s) => s !== a.signature)!
    const code = rejectionCode(() =>
      applyEvidence(state, { kind: 'duplicate-vote', a: { ...a, signature: respelled }, b }, chain.ctx),
    )
    expect(code).toBe('invalid-evidence')
    expect(bonded(state)).toBe(bonded())
  })

  it('another offence (another round) is punished on its own', () => {
    const state = beginBlock(chain.state, 1, 1_000, chain.params)
    applyEvidence(state, { kind: 'duplicate-vote', a, b }, chain.ctx)
    const once = bonded(state)
    applyEvidence(
      state,
      { kind: 'duplicate-vote', a: vote('b'.repeat(64), 1), b: vote('c'.repeat(64), 1) },
      chain.ctx,
    )
    expect(bonded(state)).toBeLessThan(once)
    expect([...state.punished].sort()).toEqual([
      `${offender.address}/1/0/prevote`,
      `${offender.address}/1/1/prevote`,
    ])
  })
})

describe('gossip de-duplication', () => {
  const clock: Clock = { now: () => 0, setTimer: () => () => {} }

  it('relays a vote once, however its signature is spelled or re-signed', () => {
    const chain = new Chain(TEST_CHAIN, testGenesis, ed25519Scheme, new MemoryBlockStore())
    const sent: ConsensusMessage[] = []
    const driver = new ConsensusDriver(chain, null, clock, { broadcast: (m) => sent.push(m), send: () => {} })
    driver.start()
    const honest = vote('b'.repeat(64))
    driver.receive('peer', { type: 'vote', vote: honest })
    for (const signature of spellings(honest.signature))
      driver.receive('peer', { type: 'vote', vote: { ...honest, signature } })
    const unsigned: Unsigned<Vote> = { ...honest }
    delete (unsigned as Partial<Vote>).signature
    driver.receive('peer', { type: 'vote', vote: signVote(unsigned, key) })
    expect(sent.filter((m) => m.type === 'vote')).toHaveLength(1)
    driver.stop()
  })
})
