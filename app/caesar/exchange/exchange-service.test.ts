import { describe, expect, it } from 'vitest'
import { EMPTY_ACCOUNT, LedgerState, type OrderRecord } from '../../consensus'
import { ExchangeService, offerOfShare, type ExchangeLedger, type ExchangeTxBody } from './exchange-service'
import { decimalRatio, levelsOf } from './exchange-views'

const NODE = 'a'.repeat(40)
const WALLET = 'b'.repeat(40)
const OTHER = 'c'.repeat(40)
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM'
const ASSET = 'd'.repeat(64)
const GiB = 2n ** 30n

function order(
  owner: string,
  side: 'buy' | 'sell',
  price: bigint,
  remaining: bigint,
  seq: number,
): OrderRecord {
  return {
    owner,
    market: 'memory',
    side,
    price,
    quantity: remaining,
    remaining,
    seq,
    height: 1,
    holder: '',
    assetId: '',
  }
}

/** A node's exchange over a real state, recording what it would sign and submit. */
function exchangeOver(state: LedgerState, locked = false) {
  const submitted: { signer: string; body: ExchangeTxBody; fee: string }[] = []
  const ledger: ExchangeLedger = {
    state,
    minFee: 10n,
    nodeAccount: NODE,
    peerId: PEER,
    submit: (signer, body, fee) => {
      submitted.push({ signer: signer === 'node' ? 'node' : 'wallet', body, fee })
      return { txId: 'e'.repeat(64) }
    },
    ownOrderTxs: () => [],
  }
  const service = new ExchangeService({
    ledger: () => ledger,
    wallet: {
      accounts: () => [WALLET],
      isLocked: () => locked,
      keysOf: () => ({ publicKey: new Uint8Array(), secretKey: new Uint8Array() }),
    },
    askLease: () => Promise.reject(new Error('not in this test')),
    minPricePerHour: () => 0n,
  })
  return { service, submitted }
}

function stateWithBook(): LedgerState {
  const state = new LedgerState(5)
  for (const a of [NODE, WALLET, OTHER]) state.accounts.set(a, { ...EMPTY_ACCOUNT, balance: 1000n })
  state.assets.set(ASSET, {
    assetId: ASSET,
    owner: NODE,
    resource: 'memory',
    capacity: 4n * GiB,
    privacy: 'FullPublic',
    peerId: PEER,
    registeredAt: 1,
  })
  state.setOrder('1'.repeat(64), order(OTHER, 'sell', 10n, 3n, 0))
  state.setOrder('2'.repeat(64), order(OTHER, 'sell', 12n, 5n, 1))
  state.setOrder('3'.repeat(64), order(OTHER, 'buy', 8n, 2n, 2))
  return state
}

describe('the exchange service', () => {
  it('previews what a buy fills now, at what average price, what rests and what it holds', () => {
    const { service } = exchangeOver(stateWithBook())
    expect(
      service.preview({ market: 'memory', side: 'buy', price: '12', quantity: '5', from: WALLET }),
    ).toEqual({
      fillsNow: '5',
      averagePrice: '10.8',
      fillValue: '54',
      rests: '0',
      fee: '10',
      holds: '60',
      balance: '1000',
      balanceAfter: '936',
      problems: [],
    })
  })

  it('names every reason an order could not be placed', () => {
    const { service } = exchangeOver(stateWithBook(), true)
    const problems = (draft: Parameters<ExchangeService['preview']>[0]) => service.preview(draft).problems
    expect(problems({ market: 'memory', side: 'buy', price: '9', quantity: '1', from: WALLET })).toEqual([
      'unlock the wallet to sign with this account',
    ])
    expect(
      problems({ market: 'memory', side: 'buy', price: '100', quantity: '100', from: OTHER })[0],
    ).toMatch(/neither this node's account nor one of its wallet's/)
    expect(problems({ market: 'memory', side: 'buy', price: '100', quantity: '100' }).join()).toMatch(/short/)
    expect(problems({ market: 'cpu', side: 'sell', price: '1', quantity: '1' }).join()).toMatch(
      /no registered cpu asset/,
    )
  })

  it('places a buy for this node as holder and a sell of the node’s asset, signed by the right account', () => {
    const { service, submitted } = exchangeOver(stateWithBook())
    service.place({ market: 'memory', side: 'buy', price: '9', quantity: '1', from: WALLET })
    service.place({ market: 'memory', side: 'sell', price: '20', quantity: '1' })
    expect(submitted).toEqual([
      {
        signer: 'wallet',
        fee: '10',
        body: { kind: 'order-buy', market: 'memory', price: '9', quantity: '1', holder: PEER },
      },
      {
        signer: 'node',
        fee: '10',
        body: { kind: 'order-sell', market: 'memory', price: '20', quantity: '1', assetId: ASSET },
      },
    ])
    expect(() => service.cancel('1'.repeat(64))).toThrow(/not this node's or its wallet's/)
    expect(() => service.cancel('9'.repeat(64))).toThrow(/not resting/)
  })

  it('aggregates the book by price level, best first', () => {
    const state = stateWithBook()
    state.setOrder('4'.repeat(64), order(WALLET, 'sell', 10n, 2n, 3))
    expect(service(state).book('memory').asks).toEqual([
      { price: '10', quantity: '5', orders: 2 },
      { price: '12', quantity: '5', orders: 1 },
    ])
    expect(levelsOf([], 50)).toEqual([])
    expect(decimalRatio(54n, 5n)).toBe('10.8')
    expect(decimalRatio(10n, 3n)).toBe('3.3333')
  })
})

const service = (state: LedgerState): ExchangeService => exchangeOver(state).service

describe("the owner's minimum price as an offer", () => {
  it('turns a price an hour of the whole allocation into a price per market unit, rounded up', () => {
    // 4 GiB of memory at 100 an hour: 25 per GiB-hour; 10 hours are 40 GiB-hours.
    expect(offerOfShare(100n, 4n * GiB, { resource: 'memory', hours: 10 })).toEqual({
      price: 25n,
      quantity: 40n,
    })
    // Half a core at 7 an hour: 14 per core-hour; 3 hours are 1 core-hour (rounded down).
    expect(offerOfShare(7n, 500n, { resource: 'cpu', hours: 3 })).toEqual({ price: 14n, quantity: 1n })
    // 3 GiB of storage at 1 an hour: 240 per GiB-month (720 h / 3 GiB); 30 days are 3 GiB-months.
    expect(offerOfShare(1n, 3n * GiB, { resource: 'storage', hours: 720 })).toEqual({
      price: 240n,
      quantity: 3n,
    })
  })

  it('refuses free sharing and an offer smaller than one unit', () => {
    expect(() => offerOfShare(0n, GiB, { resource: 'memory', hours: 1 })).toThrow(/shared for free/)
    expect(() => offerOfShare(5n, GiB, { resource: 'storage', hours: 24 })).toThrow(/less than one GiB-month/)
  })
})
