import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { rejectionCode } from '../../test/support/ledger-fixture'
import { toBase64 } from './codec'
import type { RejectionCode } from './errors'
import { applyTx, type ExecutionContext } from './execute'
import { DEFAULT_PARAMS } from './params'
import { peerBindingRefusal, signPeerBinding, type SignedPeerBinding } from './records/peer-binding'
import { falcon1024Scheme } from './signature-scheme'
import { EMPTY_ACCOUNT, LedgerState } from './state'
import { addressOf, signTx, type SignedTx } from './tx'

const CHAIN = 'c'.repeat(64)

type Falcon = { publicKey: Uint8Array; secretKey: Uint8Array; address: string }
const falconAccount = (): Falcon => {
  const keys = falcon1024Scheme.keygen()
  return { ...keys, address: addressOf(falcon1024Scheme, keys.publicKey) }
}
const signerOf = (keys: Falcon) => ({
  publicKey: keys.publicKey,
  sign: (message: Uint8Array) => falcon1024Scheme.sign(message, keys.secretKey),
})
async function node(keys = falconAccount()) {
  const identity = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(identity).toString()
  return { keys, identity, peerId, binding: await signPeerBinding(peerId, identity, signerOf(keys)) }
}
type Node = Awaited<ReturnType<typeof node>>

describe('peer bindings: a peer id and a FALCON key, each signing for the other', () => {
  let a: Node
  let b: Node

  beforeAll(async () => {
    ;[a, b] = await Promise.all([node(), node()])
  })

  it('holds when both keys signed it', () => {
    expect(peerBindingRefusal(a.binding)).toBeNull()
  })

  it('refuses a binding whose peer id did not sign it: another peer’s id, or another identity key', async () => {
    // A's FALCON key claims B's peer id, with A's identity signature.
    const claimed = { ...a.binding, binding: { ...a.binding.binding, peerId: b.peerId } }
    expect(peerBindingRefusal(claimed)?.code).toBe('bad-signature')
    // A FALCON key bound to B's peer id by someone holding only the FALCON key.
    const other = await node(a.keys)
    expect(
      peerBindingRefusal({ ...other.binding, identitySignature: b.binding.identitySignature })?.code,
    ).toBe('bad-signature')
  })

  it('refuses a binding whose FALCON key did not sign it: a fresh key named, or another signature', () => {
    const fresh = falconAccount()
    const renamed = { ...a.binding, binding: { ...a.binding.binding, falconKey: toBase64(fresh.publicKey) } }
    // The identity signature no longer covers the bytes either; both are checked, the identity first.
    expect(peerBindingRefusal(renamed)?.code).toBe('bad-signature')
    expect(peerBindingRefusal({ ...a.binding, falconSignature: b.binding.falconSignature })?.code).toBe(
      'bad-signature',
    )
  })

  it('refuses truncated, malformed and non-Ed25519 input with a reason, without throwing', () => {
    const sig = Buffer.from(a.binding.identitySignature, 'base64')
    expect(
      peerBindingRefusal({ ...a.binding, identitySignature: sig.subarray(0, 32).toString('base64') }),
    ).toEqual({
      code: 'bad-signature',
      message: expect.stringContaining('not signed by the key of peer') as string,
    })
    expect(peerBindingRefusal({ ...a.binding, identitySignature: '%%%' })?.code).toBe('malformed')
    const shortKey = {
      ...a.binding,
      binding: { ...a.binding.binding, falconKey: toBase64(new Uint8Array(32)) },
    }
    expect(peerBindingRefusal(shortKey)?.code).toBe('bad-signature')
    // An RSA-style (hashed) peer id carries no key to check against.
    const hashed = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'
    expect(
      peerBindingRefusal({ ...a.binding, binding: { ...a.binding.binding, peerId: hashed } })?.code,
    ).toBe('malformed')
  })

  it('never holds once any byte of a signature or key is changed (generated input)', () => {
    const fields = ['identitySignature', 'falconSignature'] as const
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (field, at, flip) => {
          const bytes = Buffer.from(a.binding[field], 'base64')
          bytes[at % bytes.length]! ^= flip
          const changed: SignedPeerBinding = { ...a.binding, [field]: bytes.toString('base64') }
          return peerBindingRefusal(changed) !== null
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('peer-bind transactions: one key per peer id and one peer id per account', () => {
  let a: Node
  let b: Node
  let state: LedgerState
  const ctx: ExecutionContext = {
    chainId: CHAIN,
    params: DEFAULT_PARAMS,
    scheme: falcon1024Scheme,
    isRecentAnchor: () => false,
  }

  beforeAll(async () => {
    ;[a, b] = await Promise.all([node(), node()])
  })
  beforeEach(() => {
    state = new LedgerState(5)
    for (const n of [a, b]) state.accounts.set(n.keys.address, { ...EMPTY_ACCOUNT, balance: 1_000_000n })
  })

  const bind = (from: Node, binding: SignedPeerBinding): SignedTx =>
    signTx(
      {
        kind: 'peer-bind',
        chainId: CHAIN,
        from: from.keys.address,
        publicKey: toBase64(from.keys.publicKey),
        nonce: state.account(from.keys.address)!.nonce,
        fee: '10',
        binding,
      },
      falcon1024Scheme,
      from.keys.secretKey,
    )
  /** Applies to a copy; a refusal must leave the state (and its root) as it was. */
  function attempt(tx: SignedTx): RejectionCode | null {
    const before = state.root()
    const working = state.copy()
    const code = rejectionCode(() => applyTx(working, tx, ctx, a.keys.address))
    if (code == null) state = working
    else expect(working.root()).toBe(before)
    return code
  }

  it('records the sender’s binding, answers lookups both ways, and changes the state root', () => {
    const before = state.root()
    expect(attempt(bind(a, a.binding))).toBeNull()
    expect(state.peerBinding(a.peerId)).toEqual({
      peerId: a.peerId,
      falconKey: toBase64(a.keys.publicKey),
      address: a.keys.address,
      boundAt: 5,
    })
    expect(state.peerOfAccount(a.keys.address)).toBe(a.peerId)
    expect(state.root()).not.toBe(before)
    // A copy carries the binding; changing the copy leaves the original alone.
    const copy = state.copy()
    copy.peerBindings.clear()
    expect(state.peerBinding(a.peerId)).toBeDefined()
  })

  it('refuses a binding of another account’s key, and a second binding of a peer id or an account', async () => {
    expect(attempt(bind(b, a.binding))).toBe('wrong-key')
    expect(attempt(bind(a, a.binding))).toBeNull()
    expect(attempt(bind(a, a.binding))).toBe('duplicate')
    // A's peer id again, now with B's key (signed by A's identity and B's FALCON key): refused.
    const rebound = await signPeerBinding(a.peerId, a.identity, signerOf(b.keys))
    expect(attempt(bind(b, rebound))).toBe('wrong-key')
    // A's account again, under a new peer id.
    const second = await node(a.keys)
    expect(attempt(bind(a, second.binding))).toBe('duplicate')
    expect(state.peerOfAccount(a.keys.address)).toBe(a.peerId)
  })

  it('refuses a forged binding with its reason', () => {
    const forged = { ...b.binding, binding: { ...b.binding.binding, peerId: a.peerId } }
    expect(attempt(bind(b, forged))).toBe('bad-signature')
    expect(state.peerBinding(a.peerId)).toBeUndefined()
  })
})
