/**
 * The ledger's rule for peer bindings (records/peer-binding.ts): a binding is recorded once, from a
 * `peer-bind` transaction of the account whose key it names, or from the holder's binding carried in a
 * usage receipt (so that a holder with no funds can still be paid for). After that, its peer id speaks
 * with that one FALCON key and that account has that one peer id; a second binding of either is refused.
 * The genesis binds its validators (the genesis is the network's root of trust, fixed by the chain id).
 */
import { fromBase64 } from './codec'
import { reject } from './errors'
import { peerBindingRefusal, type SignedPeerBinding } from './records/peer-binding'
import type { SignedUsageReceipt } from './records/usage-receipt'
import { falcon1024Scheme } from './signature-scheme'
import type { GenesisValidator } from './params'
import type { SignatureScheme } from './signature-scheme'
import type { GenesisBindings, LedgerState, PeerBindingRecord } from './state'
import { addressOf } from './tx'

/** The genesis validators' peer ids bound to their keys; a peer id the genesis names twice stays unbound. */
export function genesisBindingsOf(
  genesis: { validators: readonly GenesisValidator[] },
  scheme: SignatureScheme,
): GenesisBindings {
  const byPeer = new Map<string, PeerBindingRecord>()
  const byAccount = new Map<string, string>()
  for (const v of genesis.validators) {
    if (genesis.validators.filter((other) => other.peerId === v.peerId).length !== 1) continue
    const address = addressOf(scheme, fromBase64(v.publicKey))
    byPeer.set(v.peerId, { peerId: v.peerId, falconKey: v.publicKey, address, boundAt: 0 })
    byAccount.set(address, v.peerId)
  }
  return { byPeer, byAccount }
}

/** Checks `signed` and records it in `state`; throws LedgerRejection naming what is wrong. */
export function recordPeerBinding(state: LedgerState, signed: SignedPeerBinding): void {
  const { peerId, falconKey } = signed.binding
  const existing = state.peerBinding(peerId)
  if (existing != null)
    reject(
      existing.falconKey === falconKey ? 'duplicate' : 'wrong-key',
      existing.falconKey === falconKey
        ? `peer ${peerId} is already bound to this key`
        : `peer ${peerId} is bound to another FALCON key`,
    )
  const refusal = peerBindingRefusal(signed)
  if (refusal != null) reject(refusal.code, refusal.message)
  const address = addressOf(falcon1024Scheme, fromBase64(falconKey))
  const other = state.peerOfAccount(address)
  if (other != null) reject('duplicate', `account ${address} is already bound to peer ${other}`)
  state.peerBindings.set(peerId, { peerId, falconKey, address, boundAt: state.height })
  state.boundAccounts.set(address, peerId)
}

/** A `peer-bind` transaction: the sender binds its own account's key, never another's. */
export function applyPeerBind(
  state: LedgerState,
  body: { from: string; publicKey: string; binding: SignedPeerBinding },
): void {
  if (body.binding.binding.falconKey !== body.publicKey)
    reject('wrong-key', `the binding names another key than account ${body.from}'s`)
  recordPeerBinding(state, body.binding)
}

/**
 * Why a receipt's key does not speak for its holder, or null when it does: the key must be the one the
 * ledger has bound to the holder's peer id or, for a holder not bound yet, the receipt must carry the
 * holder's own binding of that key. The owner runs this on every receipt it takes, and the ledger on
 * every claim.
 */
export function holderKeyRefusal(state: LedgerState, signed: SignedUsageReceipt): string | null {
  const holder = signed.receipt.holder
  const bound = state.peerBinding(holder)
  if (bound != null)
    return bound.falconKey === signed.holderKey
      ? null
      : `the receipt is signed with a key that is not the one bound to holder ${holder}`
  const carried = signed.holderBinding
  if (carried == null)
    return `holder ${holder} has no FALCON key bound on the ledger, and the receipt carries no binding`
  if (carried.binding.peerId !== holder || carried.binding.falconKey !== signed.holderKey)
    return 'the binding the receipt carries is not of its holder and key'
  const refusal = peerBindingRefusal(carried)
  if (refusal != null) return refusal.message
  const address = addressOf(falcon1024Scheme, fromBase64(signed.holderKey))
  const other = state.peerOfAccount(address)
  if (other != null) return `the receipt's key is bound to peer ${other}, not to holder ${holder}`
  return null
}
