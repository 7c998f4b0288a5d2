/**
 * The exchange's ports, satisfied by the node: the active ledger (committed state, signing with the
 * node's key or a wallet account's, the node's own order transactions) and the person's wallet.
 */
import type { ExchangeLedger, ExchangeWallet, WalletService } from '../caesar'
import type { ActiveLedger } from '../consensus'

export function exchangeLedger(ledger: ActiveLedger): ExchangeLedger | null {
  const current = ledger.current()
  if (current == null) return null
  const { account, peerId } = current.identity
  return {
    state: current.chain.state,
    minFee: BigInt(current.chain.params.minFee),
    nodeAccount: account,
    peerId,
    submit: (signer, body, fee) =>
      signer === 'node' ? current.signAndSubmit(body, fee) : current.signAndSubmitAs(signer, body, fee),
    ownOrderTxs: () => current.ownTxsOf(['order-buy', 'order-sell', 'order-cancel']),
  }
}

export function exchangeWallet(wallet: WalletService): ExchangeWallet {
  return {
    accounts: () => wallet.status().accounts.map((a) => a.address),
    isLocked: () => wallet.status().locked,
    keysOf: (address) => wallet.keysOf(address),
  }
}
