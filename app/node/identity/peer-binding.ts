/**
 * This node's peer binding (app/consensus/records/peer-binding.ts): its peer id and FALCON key, signed by
 * both, made once per start. It travels in the usage receipts the node signs as a lease holder, and the
 * node records it on the active ledger itself as soon as its account can pay the fee.
 */
import type { Logger } from 'pino'
import {
  falcon1024Scheme,
  LedgerRejection,
  signPeerBinding,
  type Ledger,
  type SignedPeerBinding,
} from '../../consensus'
import type { NodeIdentity } from './identity'

export function ownPeerBinding(identity: NodeIdentity): Promise<SignedPeerBinding> {
  return signPeerBinding(identity.peerId.toString(), identity.privateKey, {
    publicKey: identity.falcon.publicKey,
    sign: (message) => falcon1024Scheme.sign(message, identity.falcon.secretKey),
  })
}

/** A `peer-bind` not on the ledger after this many blocks is submitted again. */
const RESUBMIT_AFTER_BLOCKS = 20

/**
 * Called after every block of the active ledger: submits this node's binding once the ledger has none
 * for its peer id and its account holds the fee, and again if it was not taken within a while.
 */
export function peerBindingKeeper(
  binding: SignedPeerBinding,
  address: string,
  log: Logger,
): (ledger: Ledger | null) => void {
  let submitted: { networkId: string; height: number } | null = null
  return (ledger) => {
    if (ledger == null) return
    const { chain } = ledger
    const state = chain.state
    if (state.peerBinding(binding.binding.peerId) != null || state.peerOfAccount(address) != null) return
    if ((state.account(address)?.balance ?? 0n) < BigInt(chain.params.minFee)) return
    if (submitted?.networkId === chain.chainId && chain.height < submitted.height + RESUBMIT_AFTER_BLOCKS)
      return
    submitted = { networkId: chain.chainId, height: chain.height }
    try {
      ledger.signAndSubmit({ kind: 'peer-bind', binding })
      log.info({ height: chain.height }, 'submitted this node’s peer binding to the ledger')
    } catch (err) {
      if (!(err instanceof LedgerRejection)) throw err
      log.debug({ err: err.message }, 'the ledger refused this node’s peer binding for now')
    }
  }
}
