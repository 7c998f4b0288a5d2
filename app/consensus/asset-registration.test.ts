import { beforeEach, describe, expect, it } from 'vitest'
import { ed25519Scheme } from '../../test/sim/ed25519-scheme'
import { SIM_PARAMS } from '../../test/sim/simulation'
import { rejectionCode } from '../../test/support/ledger-fixture'
import { assetRegistrationBody } from './asset-registration'
import { toBase64 } from './codec'
import type { RejectionCode } from './errors'
import { applyTx, genesisState, type ExecutionContext } from './execute'
import { DEFAULT_PARAMS, type ChainParams } from './params'
import { Plot, plotOwner } from './proofs/space'
import type { LedgerState } from './state'
import { addressOf, signTx, type SignedTx, type TxBody } from './tx'

const CHAIN = 'c'.repeat(64)
const ANCHOR = 'a'.repeat(64)
const PARAMS: ChainParams = { ...DEFAULT_PARAMS, proofs: SIM_PARAMS.proofs, minFee: '10' }
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const OWNER_PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'

function owner() {
  const keys = ed25519Scheme.keygen()
  const address = addressOf(ed25519Scheme, keys.publicKey)
  const plot = Plot.generate(
    plotOwner(keys.publicKey),
    PARAMS.proofs.spaceLeavesLog2,
    PARAMS.proofs.spaceLabelIterations,
  )
  return { ...keys, address, plot, signer: { scheme: ed25519Scheme, address, ...keys } }
}
type Owner = ReturnType<typeof owner>

describe('asset registration: every record carries four verified proofs', () => {
  let alice: Owner
  let validator: Owner
  let state: LedgerState
  let ctx: ExecutionContext

  const sign = (from: Owner, body: TxBody): SignedTx => signTx(body, ed25519Scheme, from.secretKey)
  const registration = (from: Owner, over: Partial<Parameters<typeof assetRegistrationBody>[0]> = {}) =>
    assetRegistrationBody({
      chainId: CHAIN,
      nonce: state.account(from.address)?.nonce ?? 0,
      fee: '10',
      assetId: 'f'.repeat(64),
      resource: 'memory',
      capacity: '1073741824',
      privacy: 'FullPublic',
      anchor: ANCHOR,
      plot: from.plot,
      signer: from.signer,
      location: { peerId: OWNER_PEER, addrs: ['/ip4/127.0.0.1/tcp/4001'] },
      params: PARAMS.proofs,
      ...over,
    })

  /** Applies to a copy; on refusal, checks that the original state is untouched. */
  function attempt(t: SignedTx): RejectionCode | null {
    const before = state.root()
    const working = state.copy()
    const code = rejectionCode(() => applyTx(working, t, ctx, validator.address))
    if (code == null) state = working
    else expect(working.root()).toBe(before)
    return code
  }

  beforeEach(() => {
    alice = owner()
    validator = owner()
    state = genesisState(
      {
        params: PARAMS,
        validators: [
          {
            peerId: PEER,
            publicKey: toBase64(validator.publicKey),
            stake: '5000',
            space: validator.plot.commitment,
          },
        ],
        balances: [{ address: alice.address, amount: '100000' }],
      },
      ed25519Scheme,
    )
    ctx = { chainId: CHAIN, params: PARAMS, scheme: ed25519Scheme, isRecentAnchor: (h) => h === ANCHOR }
  })

  const stake = () =>
    attempt(
      sign(alice, {
        kind: 'stake',
        chainId: CHAIN,
        from: alice.address,
        publicKey: toBase64(alice.publicKey),
        nonce: state.account(alice.address)!.nonce,
        fee: '10',
        amount: '1000',
      }),
    )

  it('records an asset with its owner, capacity, privacy and serving peer', () => {
    expect(stake()).toBeNull()
    expect(attempt(sign(alice, registration(alice)))).toBeNull()
    expect(state.assets.get('f'.repeat(64))).toMatchObject({
      owner: alice.address,
      resource: 'memory',
      capacity: 1073741824n,
      privacy: 'FullPublic',
      peerId: OWNER_PEER,
    })
  })

  it('refuses an owner without bonded stake (PoStake)', () => {
    expect(attempt(sign(alice, registration(alice)))).toBe('invalid-proof')
  })

  it('refuses a stale or unknown anchor (PoTime)', () => {
    expect(stake()).toBeNull()
    expect(attempt(sign(alice, registration(alice, { anchor: 'b'.repeat(64) })))).toBe('invalid-proof')
  })

  it('refuses a proof made for another record, or with a forged part', () => {
    expect(stake()).toBeNull()
    const body = registration(alice)
    expect(attempt(sign(alice, { ...body, capacity: '2147483648' }))).toBe('invalid-proof')
    const forgedWork = {
      ...body,
      proof: { ...body.proof, work: { ...body.proof.work, nonce: body.proof.work.nonce + 1 } },
    }
    expect(attempt(sign(alice, forgedWork))).toBe('invalid-proof')
    const forgedStake = {
      ...body,
      proof: {
        ...body.proof,
        stake: { ...body.proof.stake, signature: toBase64(new Uint8Array(64).fill(7)) },
      },
    }
    expect(attempt(sign(alice, forgedStake))).toBe('invalid-proof')
  })

  it('refuses a plot that is not the owner’s (PoSpace)', () => {
    expect(stake()).toBeNull()
    const borrowed = registration(alice, { plot: validator.plot })
    expect(attempt(sign(alice, borrowed))).toBe('invalid-proof')
  })

  it('refuses a replayed registration, and a second one of the same asset', () => {
    expect(stake()).toBeNull()
    const first = sign(alice, registration(alice))
    expect(attempt(first)).toBeNull()
    expect(attempt(first)).toBe('wrong-nonce')
    expect(attempt(sign(alice, registration(alice)))).toBe('duplicate')
  })
})
