/**
 * Caesar: the node's side of the economy: the person's wallet (./wallet, docs/caesar.md), and rewards: as an asset owner the node keeps the
 * usage receipts its lease holders send, claims them on the ledger and records what each epoch paid it;
 * as a holder it signs receipts for the leases it uses. The ledger's own rules for claims and payouts are
 * consensus's (app/consensus/rewards); what Caesar needs of the running ledger is its port
 * {@link RewardsLedger}.
 *
 * @example
 * ```ts
 * const rewards = new RewardsService({ db, falcon, ledger: () => activeLedger.current(), log })
 * activeLedger.onBlock(() => rewards.onBlock())
 * rewards.status() // the rewards view: schedule, earnings per epoch, what is accruing, receipts
 * ```
 */
export { RewardsService, type RewardsLedger, type RewardsParts } from './rewards-service'
export { AddressBook, type AddressBookFilePort } from './wallet/address-book'
export {
  WalletRequestError,
  WalletService,
  type WalletFilePort,
  type WalletLedger,
  type WalletParts,
  type WalletRequestCode,
} from './wallet/wallet-service'
export {
  ExchangeService,
  type ExchangeLedger,
  type ExchangeTxBody,
  type ExchangeWallet,
} from './exchange/exchange-service'
