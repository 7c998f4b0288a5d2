/**
 * Exchange traffic for the simulator: each honest validator registers a memory asset, then the validators'
 * accounts place random buy and sell orders, cancel some, and name payout accounts, through their own
 * node's pool like any client. Orders fill, rest and hold funds while the network drops, delays,
 * partitions and crashes, so the supply check on every commit covers escrows and order holds, and the
 * book check covers matching that every validator must compute the same way.
 */
import { assetRegistrationBody } from '../../app/consensus/asset-registration'
import { toBase64 } from '../../app/consensus/codec'
import { LedgerRejection } from '../../app/consensus/errors'
import { MARKETS, type Market } from '../../app/consensus/exchange/markets'
import { bookSide } from '../../app/consensus/exchange/order-book'
import type { LedgerState } from '../../app/consensus/state'
import { signTx, type TxBody, type TxKindBody } from '../../app/consensus/tx'
import type { ConsensusDriver } from '../../app/consensus/driver'
import type { Plot } from '../../app/consensus/proofs/space'
import { ed25519Scheme } from './ed25519-scheme'
import type { Random } from './random'

type Body = TxKindBody

export interface Trader {
  readonly id: string
  readonly address: string
  readonly peerId: string
  readonly keys: { publicKey: Uint8Array; secretKey: Uint8Array }
  readonly plot: Plot
  readonly driver: ConsensusDriver | null
}

const MARKET: Market = 'memory'
const assetIdOf = (t: Trader): string => `${'a'.repeat(24)}${t.address}`

/** Submits one random exchange transaction from `trader` to its own node; refusals are part of the traffic. */
export function submitRandomOrder(trader: Trader, rng: Random, chainId: string): void {
  const driver = trader.driver
  if (driver == null) return
  const state = driver.chain.state
  const body = bodyFor(trader, rng, state, driver, chainId)
  if (body == null) return
  const envelope = {
    chainId,
    from: trader.address,
    publicKey: toBase64(trader.keys.publicKey),
    nonce: driver.mempool.nextNonce(trader.address, state),
    fee: '1',
  }
  try {
    driver.submit(signTx({ ...envelope, ...body } as TxBody, ed25519Scheme, trader.keys.secretKey))
  } catch (err) {
    if (!(err instanceof LedgerRejection)) throw err
  }
}

function bodyFor(
  trader: Trader,
  rng: Random,
  state: LedgerState,
  driver: ConsensusDriver,
  chainId: string,
): Body | null {
  const assetId = assetIdOf(trader)
  if (!state.assets.has(assetId))
    return assetRegistrationBody({
      chainId,
      nonce: driver.mempool.nextNonce(trader.address, state),
      fee: '1',
      assetId,
      resource: MARKET,
      capacity: String(2 ** 40),
      privacy: 'FullPublic',
      anchor: driver.chain.lastHash,
      plot: trader.plot,
      signer: { scheme: ed25519Scheme, address: trader.address, ...trader.keys },
      location: { peerId: trader.peerId, addrs: [`/sim/${trader.id}`] },
      params: driver.chain.params.proofs,
    })
  const roll = rng.int(0, 9)
  const mine = [...state.orders].filter(([, o]) => o.owner === trader.address)
  if (roll === 0 && mine.length > 0) return { kind: 'order-cancel', orderId: rng.pick(mine)[0] }
  if (roll === 1) return { kind: 'payout-set', to: rng.chance(0.5) ? trader.address : 'f'.repeat(40) }
  const order = { market: MARKET, price: String(rng.int(5, 15)), quantity: String(rng.int(1, 6)) }
  return roll % 2 === 0
    ? { kind: 'order-buy', ...order, holder: trader.peerId }
    : { kind: 'order-sell', ...order, assetId }
}

/** Why the book of `state` is wrong (crossed, or holding an empty order), or null. */
export function bookProblem(state: LedgerState): string | null {
  for (const market of Object.keys(MARKETS) as Market[]) {
    const bid = bookSide(state, market, 'buy')[0]?.order
    const ask = bookSide(state, market, 'sell')[0]?.order
    if (bid != null && ask != null && bid.price >= ask.price)
      return `the ${market} book is crossed: bid ${bid.price} ≥ ask ${ask.price}`
  }
  for (const order of state.orders.values())
    if (order.remaining <= 0n || order.remaining > order.quantity)
      return `an order rests with ${order.remaining}`
  return null
}
