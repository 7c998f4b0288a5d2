import { beforeEach, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { toBase64 } from './codec'
import type { RejectionCode } from './errors'
import { applyTx, executeBlockBody, genesisState, type ExecutionContext } from './execute'
import { DEFAULT_PARAMS, type ChainParams } from './params'
import { falcon1024Scheme, type SignatureScheme } from './signature-scheme'
import type { LedgerState } from './state'
import { addressOf, decodeTx, signTx, type SignedTx, type TxBody } from './tx'
import { rejectionCode } from '../../test/support/ledger-fixture'

const CHAIN = 'c'.repeat(64)
const PARAMS: ChainParams = {
  ...DEFAULT_PARAMS,
  minValidatorStake: '1000',
  bondingPeriodBlocks: 3,
  minFee: '10',
}
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

function account(scheme: SignatureScheme = ed25519Scheme) {
  const keys = scheme.keygen()
  return { ...keys, address: addressOf(scheme, keys.publicKey), scheme }
}
type Account = ReturnType<typeof account>

function tx(from: Account, body: Partial<TxBody> & Pick<TxBody, 'kind'>, nonce = 0): SignedTx {
  return signTx(
    {
      chainId: CHAIN,
      from: from.address,
      publicKey: toBase64(from.publicKey),
      nonce,
      fee: '10',
      ...body,
    } as TxBody,
    from.scheme,
    from.secretKey,
  )
}

const refusal = rejectionCode

describe('ledger execution', () => {
  let alice: Account
  let bob: Account
  let validator: Account
  let state: LedgerState
  let ctx: ExecutionContext

  beforeEach(() => {
    alice = account()
    bob = account()
    validator = account()
    state = genesisState(
      {
        params: PARAMS,
        validators: [
          {
            peerId: PEER,
            publicKey: toBase64(validator.publicKey),
            stake: '5000',
            space: { root: 'a'.repeat(64), leavesLog2: 16 },
          },
        ],
        balances: [{ address: alice.address, amount: '100000' }],
      },
      ed25519Scheme,
    )
    ctx = { chainId: CHAIN, params: PARAMS, scheme: ed25519Scheme, isRecentAnchor: () => false }
  })

  /** Applies to a copy; on refusal, checks that the original state is untouched. */
  function attempt(t: SignedTx): RejectionCode | null {
    const before = state.root()
    const working = state.copy()
    const code = refusal(() => applyTx(working, t, ctx, validator.address))
    if (code == null) state = working
    else expect(working.root()).toBe(before)
    return code
  }

  it('transfers, charges the fee to the proposer, and advances the nonce', () => {
    expect(attempt(tx(alice, { kind: 'transfer', to: bob.address, amount: '2500' }))).toBeNull()
    expect(state.account(alice.address)).toMatchObject({ balance: 100000n - 2510n, nonce: 1 })
    expect(state.account(bob.address)?.balance).toBe(2500n)
    expect(state.account(validator.address)?.balance).toBe(10n)
  })

  it('refuses each bad transfer with its own reason and changes nothing', () => {
    const t = tx(alice, { kind: 'transfer', to: bob.address, amount: '1' })
    const forged = {
      ...t,
      signature: tx(alice, { kind: 'transfer', to: bob.address, amount: '2' }).signature,
    }
    expect(attempt(forged)).toBe('bad-signature')
    expect(attempt({ ...t, body: { ...t.body, publicKey: toBase64(bob.publicKey) } })).toBe('wrong-key')
    expect(attempt(tx(alice, { kind: 'transfer', to: bob.address, amount: '1' }, 3))).toBe('wrong-nonce')
    expect(attempt(tx(alice, { kind: 'transfer', to: bob.address, amount: '100000' }))).toBe(
      'insufficient-balance',
    )
    expect(attempt(tx(bob, { kind: 'transfer', to: alice.address, amount: '1' }))).toBe('unknown-account')
    expect(attempt(tx(alice, { kind: 'transfer', to: bob.address, amount: '1', fee: '9' }))).toBe(
      'fee-too-low',
    )
    expect(attempt(tx(alice, { kind: 'transfer', to: bob.address, amount: '0' }))).toBe('malformed')
    expect(attempt(signTx({ ...t.body, chainId: 'd'.repeat(64) }, ed25519Scheme, alice.secretKey))).toBe(
      'wrong-chain',
    )
  })

  it('refuses a replayed transaction: its nonce is spent', () => {
    const t = tx(alice, { kind: 'transfer', to: bob.address, amount: '5' })
    expect(attempt(t)).toBeNull()
    expect(attempt(t)).toBe('wrong-nonce')
    expect(state.account(bob.address)?.balance).toBe(5n)
  })

  it('decodes only well-formed, in-limit transactions', () => {
    const t = tx(alice, { kind: 'transfer', to: bob.address, amount: '5' })
    const bytes = new TextEncoder().encode(JSON.stringify(t))
    expect(decodeTx(bytes, PARAMS)).toEqual(t)
    expect(refusal(() => decodeTx(bytes.slice(0, bytes.length - 9), PARAMS))).toBe('malformed')
    expect(refusal(() => decodeTx(new Uint8Array([0xff, 0xfe, 0x00]), PARAMS))).toBe('malformed')
    expect(
      refusal(() =>
        decodeTx(
          new TextEncoder().encode(JSON.stringify({ ...t, body: { ...t.body, kind: 'mint' } })),
          PARAMS,
        ),
      ),
    ).toBe('malformed')
    expect(
      refusal(() => decodeTx(new TextEncoder().encode(JSON.stringify({ ...t, extra: 1 })), PARAMS)),
    ).toBe('malformed')
    const { to, ...missing } = t.body as Extract<TxBody, { kind: 'transfer' }>
    void to
    expect(
      refusal(() => decodeTx(new TextEncoder().encode(JSON.stringify({ ...t, body: missing })), PARAMS)),
    ).toBe('malformed')
    expect(refusal(() => decodeTx(new Uint8Array(PARAMS.maxTxBytes + 1), PARAMS))).toBe('oversized')
  })

  it('stakes, unstakes through the bonding period, and refuses unstaking more than is bonded', () => {
    expect(attempt(tx(alice, { kind: 'stake', amount: '3000' }))).toBeNull()
    expect(state.account(alice.address)?.bonded).toBe(3000n)
    expect(attempt(tx(alice, { kind: 'unstake', amount: '4000' }, 1))).toBe('insufficient-stake')
    expect(attempt(tx(alice, { kind: 'unstake', amount: '1000' }, 1))).toBeNull()
    const balance = state.account(alice.address)!.balance
    for (let h = 1; h <= 2; h++)
      state = executeBlockBody(state, { height: h, proposer: validator.address, txs: [], evidence: [] }, ctx)
    expect(state.account(alice.address)?.balance).toBe(balance)
    state = executeBlockBody(state, { height: 3, proposer: validator.address, txs: [], evidence: [] }, ctx)
    expect(state.account(alice.address)?.balance).toBe(balance + 1000n)
  })

  it('joins validators by stake and leaves again; refuses joining without stake or twice', () => {
    const space = { root: 'b'.repeat(64), leavesLog2: 16 }
    expect(attempt(tx(alice, { kind: 'validator-join', peerId: PEER.replace('N', 'M'), space }))).toBe(
      'insufficient-stake',
    )
    expect(attempt(tx(alice, { kind: 'stake', amount: '2000' }))).toBeNull()
    expect(attempt(tx(alice, { kind: 'validator-join', peerId: PEER, space }, 1))).toBe('duplicate')
    expect(
      attempt(
        tx(
          alice,
          { kind: 'validator-join', peerId: PEER.replace('N', 'M'), space: { ...space, leavesLog2: 8 } },
          1,
        ),
      ),
    ).toBe('malformed')
    expect(
      attempt(tx(alice, { kind: 'validator-join', peerId: PEER.replace('N', 'M'), space }, 1)),
    ).toBeNull()
    expect(state.validatorSet().size).toBe(2)
    expect(attempt(tx(alice, { kind: 'validator-join', peerId: PEER.replace('N', 'P'), space }, 2))).toBe(
      'already-a-validator',
    )
    expect(attempt(tx(alice, { kind: 'unstake', amount: '1500' }, 2))).toBe('insufficient-stake')
    expect(attempt(tx(alice, { kind: 'validator-leave' }, 2))).toBeNull()
    expect(state.validatorSet().size).toBe(1)
    expect(attempt(tx(alice, { kind: 'validator-leave' }, 3))).toBe('not-a-validator')
  })

  it('executes the same blocks to the same root on two copies', () => {
    const t = tx(alice, { kind: 'transfer', to: bob.address, amount: '7' })
    const a = executeBlockBody(state, { height: 1, proposer: validator.address, txs: [t], evidence: [] }, ctx)
    const b = executeBlockBody(
      state.copy(),
      { height: 1, proposer: validator.address, txs: [t], evidence: [] },
      ctx,
    )
    expect(a.root()).toBe(b.root())
    expect(a.root()).not.toBe(state.root())
  })

  it('accepts FALCON-1024 signed transfers and refuses one signed by another FALCON key', () => {
    const carol = account(falcon1024Scheme)
    const dave = account(falcon1024Scheme)
    state.accounts.set(carol.address, { balance: 1000n, nonce: 0, bonded: 0n, unbonding: [] })
    const falconCtx = { ...ctx, scheme: falcon1024Scheme }
    const good = tx(carol, { kind: 'transfer', to: dave.address, amount: '5' })
    const byDave = signTx(good.body, falcon1024Scheme, dave.secretKey)
    expect(refusal(() => applyTx(state.copy(), byDave, falconCtx, validator.address))).toBe('bad-signature')
    expect(refusal(() => applyTx(state.copy(), good, falconCtx, validator.address))).toBeNull()
  })
})
