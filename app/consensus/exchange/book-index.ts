/**
 * The order book's index, kept beside `state.orders`: per market and side, the resting order ids best
 * first (price, then time), and each account's count of open orders. Matching walks a side from its best
 * and stops at the first order that does not cross, so a placement costs its fills and a binary search,
 * not a scan of every order on the ledger.
 *
 * A state copy shares its parent's arrays and clones one only when it first changes it (copy-on-write),
 * so copying a state for each block or proposal stays cheap however deep the book is. Derived from
 * `state.orders` (built from it when first needed), so it is not part of the state root.
 */
import type { OrderRecord } from './order-record'

interface IndexEntry {
  readonly id: string
  readonly price: bigint
  readonly seq: number
}

const sideKey = (market: string, side: 'buy' | 'sell'): string => `${market}|${side}`

/** Whether `a` comes before `b` on a side: a better price, or the same price placed earlier. */
function ahead(side: 'buy' | 'sell', a: IndexEntry, b: IndexEntry): boolean {
  if (a.price !== b.price) return side === 'sell' ? a.price < b.price : a.price > b.price
  return a.seq < b.seq
}

/** Where `entry` goes on a side (binary search): after every entry ahead of it. */
function placeOf(side: 'buy' | 'sell', entries: readonly IndexEntry[], entry: IndexEntry): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (ahead(side, entries[mid]!, entry)) low = mid + 1
    else high = mid
  }
  return low
}

export class BookIndex {
  /** Sides this instance cloned from its parent, and may so change in place. */
  private readonly ownSides = new Set<string>()
  private ownCounts = false

  private constructor(
    private readonly sides: Map<string, IndexEntry[]>,
    private counts: Map<string, number>,
  ) {}

  static build(orders: ReadonlyMap<string, OrderRecord>): BookIndex {
    const index = new BookIndex(new Map(), new Map())
    for (const [id, order] of orders) index.insert(id, order)
    return index
  }

  /** A copy that shares every array with this one until either changes one (then it clones it first). */
  copy(): BookIndex {
    this.ownSides.clear()
    this.ownCounts = false
    return new BookIndex(new Map(this.sides), this.counts)
  }

  /** Resting order ids of one side of a market, best first. */
  side(market: string, side: 'buy' | 'sell'): readonly IndexEntry[] {
    return this.sides.get(sideKey(market, side)) ?? []
  }

  openOrders(owner: string): number {
    return this.counts.get(owner) ?? 0
  }

  insert(id: string, order: OrderRecord): void {
    const entries = this.writableSide(order.market, order.side)
    const entry = { id, price: order.price, seq: order.seq }
    entries.splice(placeOf(order.side, entries, entry), 0, entry)
    this.count(order.owner, 1)
  }

  remove(id: string, order: OrderRecord): void {
    const entries = this.writableSide(order.market, order.side)
    // Fills take orders from the front; a cancel finds its place by binary search on (price, seq).
    let at = entries[0]?.id === id ? 0 : -1
    if (at < 0) {
      const place = placeOf(order.side, entries, { id, price: order.price, seq: order.seq })
      at = entries[place]?.id === id ? place : -1
    }
    if (at < 0) throw new Error(`order ${id} is not in the book index`)
    entries.splice(at, 1)
    this.count(order.owner, -1)
  }

  private writableSide(market: string, side: 'buy' | 'sell'): IndexEntry[] {
    const key = sideKey(market, side)
    let entries = this.sides.get(key)
    if (entries == null || !this.ownSides.has(key)) {
      entries = [...(entries ?? [])]
      this.sides.set(key, entries)
      this.ownSides.add(key)
    }
    return entries
  }

  private count(owner: string, by: number): void {
    if (!this.ownCounts) {
      this.counts = new Map(this.counts)
      this.ownCounts = true
    }
    const next = (this.counts.get(owner) ?? 0) + by
    if (next === 0) this.counts.delete(owner)
    else this.counts.set(owner, next)
  }
}
