/**
 * The exchange on this node (docs/caesar.md, The exchange): previews, places and cancels limit orders
 * signed by the node's account or an unlocked wallet account, and shows the book and this person's
 * orders and trades. Matching itself is the ledger's (app/consensus/exchange); this service only reads the
 * committed state and submits signed transactions through its port.
 */
import {
  LedgerRequestError,
  MARKETS,
  MAX_OPEN_ORDERS_PER_ACCOUNT as MAX_OPEN_ORDERS,
  type LedgerState,
  type OwnTxRecord,
  type SignedLease,
  type TxKindBody,
} from '../../consensus'
import type {
  ShareOffer,
  ShareOfferRequest,
  DeliveredFill,
  DeliveryRequest,
  MarketSummary,
  MyExchange,
  OrderBook,
  OrderDraft,
  OrderPreview,
  PlacedOrder,
} from '../../../shared/exchange-schemas'
import type { Market } from '../../../shared/exchange-schemas'
import { estimateFills, marketSummaries, orderBook, tradesOf } from './exchange-views'
import { myOrders } from './my-orders'

type Keys = { publicKey: Uint8Array; secretKey: Uint8Array }
export type ExchangeTxBody = Extract<TxKindBody, { kind: 'order-buy' | 'order-sell' | 'order-cancel' }>

/** What the exchange needs of the running ledger. */
export interface ExchangeLedger {
  /** The committed state. */
  readonly state: LedgerState
  readonly minFee: bigint
  /** The node's own account and peer id (a buy's lease holder by default). */
  readonly nodeAccount: string
  readonly peerId: string
  /** Signs with the node's key, or with `keys`, and submits; throws with the pool's reason when refused. */
  submit(signer: 'node' | Keys, body: ExchangeTxBody, fee: string): { txId: string }
  /** This node's own order and cancel transactions, newest first. */
  ownOrderTxs(): OwnTxRecord[]
}

/** Asks a peer for a lease (the seller of a fill, for the fill's lease). */
export type AskLease = (
  peer: string,
  ask: { resource: Market; minutes: number; amountBytes?: number; millicores?: number; fillId: string },
) => Promise<SignedLease>

/** What the exchange needs of the person's wallet. */
export interface ExchangeWallet {
  /** The wallet's account addresses (listed also while locked). */
  accounts(): string[]
  /** The keys of `address`; throws (locked, not an account) when they cannot be had. */
  keysOf(address: string): Keys
  isLocked(): boolean
}

/** What a fill of memory or storage is delivered as when the holder names no amount. */
const DEFAULT_DELIVERY_BYTES = 64 * 1024 * 1024

/**
 * The sharing terms as market terms: a price an hour of the whole allocation (`capacity`, in the lease's
 * unit) becomes a price per market unit, rounded up (it is a minimum); `hours` of the allocation become
 * whole market units.
 */
export function offerOfShare(
  minPricePerHour: bigint,
  capacity: bigint,
  request: ShareOfferRequest,
): { price: bigint; quantity: bigint } {
  const { unitSecondsPer, unit } = MARKETS[request.resource]
  if (minPricePerHour === 0n)
    throw new LedgerRequestError(
      'bad-request',
      `${request.resource} is shared for free; set a minimum price in Sharing to offer it on the exchange`,
    )
  const perUnitHour = capacity * 3600n
  const price = (minPricePerHour * unitSecondsPer + perUnitHour - 1n) / perUnitHour
  const quantity = (capacity * BigInt(request.hours) * 3600n) / unitSecondsPer
  if (quantity === 0n)
    throw new LedgerRequestError(
      'bad-request',
      `${request.hours} hours of this allocation are less than one ${unit}; offer more hours`,
    )
  return { price, quantity }
}

const NO_LEDGER = 'this network has no ledger yet; join one or start your own devnet first'

export class ExchangeService {
  constructor(
    private readonly parts: {
      ledger: () => ExchangeLedger | null
      wallet: ExchangeWallet
      /** Asks a peer for a lease (the seller of a fill, for the fill's lease). */
      askLease: AskLease
      /** The sharing terms' minimum price of `resource`: CAESAR units an hour of the whole allocation. */
      minPricePerHour: (resource: Market) => bigint
    },
  ) {}

  markets(): MarketSummary[] {
    return marketSummaries(this.need().state)
  }

  book(market: Market): OrderBook {
    return orderBook(this.need().state, market)
  }

  preview(draft: OrderDraft): OrderPreview {
    const ledger = this.parts.ledger()
    if (ledger == null) return { ...EMPTY_PREVIEW, problems: [NO_LEDGER] }
    const { state } = ledger
    const from = draft.from ?? ledger.nodeAccount
    const price = BigInt(draft.price)
    const quantity = BigInt(draft.quantity)
    const estimate = estimateFills(state, {
      owner: from,
      market: draft.market,
      side: draft.side,
      price,
      quantity,
    })
    const problems = this.signerProblems(ledger, from)
    if (estimate.selfTrade != null)
      problems.push(
        `it would trade with your own order ${estimate.selfTrade.slice(0, 12)}…; cancel that one first`,
      )
    const open = state.book().openOrders(from)
    if (open >= MAX_OPEN_ORDERS)
      problems.push(`this account has ${open} open orders, the most allowed; cancel one first`)
    if (draft.side === 'sell' && this.assetFor(state, from, draft) == null)
      problems.push(
        `this account has no registered ${draft.market} asset to sell; share ${draft.market} and register it first`,
      )
    const fee = ledger.minFee
    const holds = draft.side === 'buy' ? price * quantity : 0n
    const spends = draft.side === 'buy' ? estimate.fillValue + price * estimate.rests : 0n
    const balance = state.account(from)?.balance ?? 0n
    const needs = fee + holds
    if (balance < needs)
      problems.push(
        `this account holds ${balance}; the order needs ${needs} (${holds} held for it and the fee of ${fee}): ${needs - balance} short`,
      )
    return {
      fillsNow: estimate.fillsNow.toString(),
      averagePrice: estimate.averagePrice,
      fillValue: estimate.fillValue.toString(),
      rests: estimate.rests.toString(),
      fee: fee.toString(),
      holds: holds.toString(),
      balance: balance.toString(),
      balanceAfter: balance < needs ? null : (balance - fee - spends).toString(),
      problems,
    }
  }

  place(draft: OrderDraft): PlacedOrder {
    const ledger = this.need()
    const preview = this.preview(draft)
    if (preview.problems.length > 0) throw new LedgerRequestError('bad-request', preview.problems.join('; '))
    const from = draft.from ?? ledger.nodeAccount
    const body: ExchangeTxBody =
      draft.side === 'buy'
        ? {
            kind: 'order-buy',
            market: draft.market,
            price: draft.price,
            quantity: draft.quantity,
            holder: draft.holder ?? ledger.peerId,
          }
        : {
            kind: 'order-sell',
            market: draft.market,
            price: draft.price,
            quantity: draft.quantity,
            assetId: this.assetFor(ledger.state, from, draft)!,
          }
    const { txId: id } = ledger.submit(this.signerOf(ledger, from), body, preview.fee)
    return { orderId: id, txId: id }
  }

  cancel(orderId: string): { txId: string } {
    const ledger = this.need()
    const owner = ledger.state.orders.get(orderId)?.owner
    if (owner == null)
      throw new LedgerRequestError(
        'not-found',
        `order ${orderId.slice(0, 12)}… is not resting on the book (filled, cancelled, or not yet in a block)`,
      )
    if (owner !== ledger.nodeAccount && !this.parts.wallet.accounts().includes(owner))
      throw new LedgerRequestError(
        'bad-request',
        `order ${orderId.slice(0, 12)}… is ${owner}'s, not this node's or its wallet's`,
      )
    return ledger.submit(
      this.signerOf(ledger, owner),
      { kind: 'order-cancel', orderId },
      ledger.minFee.toString(),
    )
  }

  mine(): MyExchange {
    const ledger = this.need()
    const accounts = new Set([ledger.nodeAccount, ...this.parts.wallet.accounts()])
    return {
      orders: myOrders(ledger.state, ledger.ownOrderTxs(), accounts),
      trades: tradesOf(ledger.state, (e) => accounts.has(e.buyer) || accounts.has(e.seller)),
    }
  }

  /**
   * Asks the seller of a fill bought for this node for the lease that delivers it. Its use, proven by the
   * receipts this node signs as it holds the lease, is what pays the seller from the fill's escrow.
   */
  async takeDelivery(request: DeliveryRequest): Promise<DeliveredFill> {
    const ledger = this.need()
    const escrow = ledger.state.leaseEscrows.get(request.fillId)
    const short = `${request.fillId.slice(0, 12)}…`
    if (escrow == null) throw new LedgerRequestError('not-found', `the ledger has no fill ${short}`)
    if (escrow.status !== 'open')
      throw new LedgerRequestError('bad-request', `the escrow of fill ${short} is ${escrow.status}`)
    if (escrow.holder !== ledger.peerId)
      throw new LedgerRequestError(
        'bad-request',
        `fill ${short} was bought for holder ${escrow.holder}; ask for its lease on that node`,
      )
    const seller = ledger.state.assets.get(escrow.assetId)?.peerId
    if (seller == null) throw new LedgerRequestError('not-found', `the asset that sold fill ${short} is gone`)
    const bytes = escrow.market === 'memory' || escrow.market === 'storage'
    const lease = await this.parts.askLease(seller, {
      resource: escrow.market,
      minutes: request.minutes,
      fillId: request.fillId,
      ...(bytes
        ? { amountBytes: request.amountBytes ?? DEFAULT_DELIVERY_BYTES }
        : { millicores: request.millicores ?? 1000 }),
    })
    return { lease: JSON.stringify(lease), owner: seller, expiresAt: lease.terms.endsAt }
  }

  /** A sell order of `hours` of this node's registered allocation at its sharing terms' minimum price. */
  offerShare(request: ShareOfferRequest): ShareOffer {
    const ledger = this.need()
    const asset = this.assetFor(ledger.state, ledger.nodeAccount, { market: request.resource })
    const capacity = asset == null ? null : ledger.state.assets.get(asset)?.capacity
    if (capacity == null || capacity === 0n)
      throw new LedgerRequestError(
        'bad-request',
        `this node has no registered ${request.resource} asset; share ${request.resource} and register it first`,
      )
    const offer = offerOfShare(this.parts.minPricePerHour(request.resource), capacity, request)
    const placed = this.place({
      market: request.resource,
      side: 'sell',
      price: offer.price.toString(),
      quantity: offer.quantity.toString(),
    })
    return {
      ...placed,
      price: offer.price.toString(),
      quantity: offer.quantity.toString(),
      unit: MARKETS[request.resource].unit,
    }
  }

  private need(): ExchangeLedger {
    const ledger = this.parts.ledger()
    if (ledger == null) throw new LedgerRequestError('not-found', NO_LEDGER)
    return ledger
  }

  private signerOf(ledger: ExchangeLedger, from: string): 'node' | Keys {
    return from === ledger.nodeAccount ? 'node' : this.parts.wallet.keysOf(from)
  }

  private signerProblems(ledger: ExchangeLedger, from: string): string[] {
    if (from === ledger.nodeAccount) return []
    if (!this.parts.wallet.accounts().includes(from))
      return [`${from} is neither this node's account nor one of its wallet's`]
    if (this.parts.wallet.isLocked()) return ['unlock the wallet to sign with this account']
    return []
  }

  /** The asset a sell order delivers with: the one named, or the account's first of the market. */
  private assetFor(
    state: LedgerState,
    from: string,
    draft: Pick<OrderDraft, 'market' | 'assetId'>,
  ): string | null {
    if (draft.assetId != null) return draft.assetId
    const owned = [...state.assets.values()]
      .filter((a) => a.owner === from && a.resource === draft.market)
      .sort((a, b) => (a.assetId < b.assetId ? -1 : 1))
    return owned[0]?.assetId ?? null
  }
}

const EMPTY_PREVIEW: OrderPreview = {
  fillsNow: '0',
  averagePrice: null,
  fillValue: '0',
  rests: '0',
  fee: '0',
  holds: '0',
  balance: '0',
  balanceAfter: null,
  problems: [],
}
