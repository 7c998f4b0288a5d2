/**
 * Validator-set rules from issue 17: the last validator cannot leave (item 19), evidence reaches stake that
 * was unbonded at or after the offence (item 20), and the set is no larger than a commit can hold (item 21).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { rejectionCode } from '../../test/support/ledger-fixture'
import type { Evidence } from './block'
import { toBase64 } from './codec'
import { applyTx, executeBlockBody, genesisState, type ExecutionContext } from './execute'
import { DEFAULT_PARAMS, MAX_VALIDATORS, type ChainParams, type GenesisValidator } from './params'
import type { LedgerState } from './state'
import { addressOf, signTx, type SignedTx, type TxBody } from './tx'
import { signVote } from './votes'

const CHAIN = 'c'.repeat(64)
const PARAMS: ChainParams = { ...DEFAULT_PARAMS, minValidatorStake: '1000', bondingPeriodBlocks: 10 }
const peer = (i: number): string =>
  `12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4k${String(i).padStart(6, 'x')}`
const SPACE = { root: 'a'.repeat(64), leavesLog2: 16 }

function account() {
  const keys = ed25519Scheme.keygen()
  return { ...keys, address: addressOf(ed25519Scheme, keys.publicKey) }
}
type Account = ReturnType<typeof account>

const asValidator = (a: Account, i: number, stake = '5000'): GenesisValidator => ({
  peerId: peer(i),
  publicKey: toBase64(a.publicKey),
  stake,
  space: SPACE,
})

const nonces = new Map<string, number>()
function tx(from: Account, body: Partial<TxBody> & Pick<TxBody, 'kind'>): SignedTx {
  const nonce = nonces.get(from.address) ?? 0
  nonces.set(from.address, nonce + 1)
  const envelope = {
    chainId: CHAIN,
    from: from.address,
    publicKey: toBase64(from.publicKey),
    nonce,
    fee: '10',
  }
  return signTx({ ...envelope, ...body } as TxBody, ed25519Scheme, from.secretKey)
}

/** Two different signed prevotes of `by` at `height`: equivocation. */
function doubleVote(by: Account, height: number): Evidence {
  const vote = (blockHash: string) =>
    signVote(
      { type: 'prevote', chainId: CHAIN, height, round: 0, blockHash, validator: by.address },
      { scheme: ed25519Scheme, address: by.address, secretKey: by.secretKey },
    )
  return { kind: 'duplicate-vote', a: vote('1'.repeat(64)), b: vote('2'.repeat(64)) }
}

const ctx: ExecutionContext = {
  chainId: CHAIN,
  params: PARAMS,
  scheme: ed25519Scheme,
  isRecentAnchor: () => false,
}

describe('validator-set rules', () => {
  let v: Account
  let w: Account
  let state: LedgerState
  const block = (txs: SignedTx[], evidence: Evidence[] = []): void => {
    state = executeBlockBody(state, { height: state.height + 1, proposer: w.address, txs, evidence }, ctx)
  }

  beforeEach(() => {
    nonces.clear()
    v = account()
    w = account()
    const funded = [v, w].map((a) => ({ address: a.address, amount: '100000' }))
    state = genesisState({ params: PARAMS, validators: [asValidator(v, 0)], balances: funded }, ed25519Scheme)
  })

  it('refuses the last validator’s leave, and allows it once another has joined (item 19)', () => {
    const leave = tx(v, { kind: 'validator-leave' })
    expect(rejectionCode(() => applyTx(state.copy(), leave, ctx, v.address))).toBe('last-validator')
    // Nor can it unstake below the minimum, which is at least one unit: it keeps its voting power.
    nonces.set(v.address, 0)
    expect(
      rejectionCode(() => applyTx(state.copy(), tx(v, { kind: 'unstake', amount: '5000' }), ctx, v.address)),
    ).toBe('insufficient-stake')
    nonces.set(v.address, 0)
    block([
      tx(w, { kind: 'stake', amount: '2000' }),
      tx(w, { kind: 'validator-join', peerId: peer(1), space: SPACE }),
    ])
    expect(state.validatorSet().size).toBe(2)
    block([tx(v, { kind: 'validator-leave' })])
    expect(state.validatorSet().members.map((m) => m.record.address)).toEqual([w.address])
  })

  it('slashes unbonding stake created at or after the offence: leaving and unstaking does not escape (item 20)', () => {
    block([
      tx(w, { kind: 'stake', amount: '2000' }),
      tx(w, { kind: 'validator-join', peerId: peer(1), space: SPACE }),
    ])
    // Height 2: an unbonding entry from before the offence.
    block([tx(v, { kind: 'unstake', amount: '1000' })])
    // Height 3: v double-signs, and the same block carries its leave and the unstake of all the rest.
    block([tx(v, { kind: 'validator-leave' }), tx(v, { kind: 'unstake', amount: '4000' })])
    expect(state.account(v.address)?.bonded).toBe(0n)
    block([], [doubleVote(v, 3)])
    // slashPpm is 5 %: the entry created at the offence's height loses 200; the earlier one keeps its 1000.
    expect(state.account(v.address)?.unbonding).toEqual([
      { amount: 1000n, releaseHeight: 12 },
      { amount: 3800n, releaseHeight: 13 },
    ])
    expect(state.validators.get(v.address)?.jailed).toBe(true)
  })

  it(`refuses a join beyond ${MAX_VALIDATORS} validators: a commit holds no more (item 21)`, () => {
    const many = Array.from({ length: 1_000 }, (_, i) => asValidator(account(), i + 2, '1000'))
    state = genesisState(
      { params: PARAMS, validators: many, balances: [{ address: w.address, amount: '100000' }] },
      ed25519Scheme,
    )
    block([tx(w, { kind: 'stake', amount: '2000' })])
    const join = tx(w, { kind: 'validator-join', peerId: peer(1), space: SPACE })
    expect(rejectionCode(() => applyTx(state.copy(), join, ctx, w.address))).toBe('validator-set-full')
  })
})
