import { describe, expect, it } from 'vitest'
import { emptyBook, sampleBook } from '../../testing/sample-exchange'
import { depthPaths, depthScales, depthSeries } from './depth-series'

const level = (price: number, quantity: number) => ({
  price: String(price),
  quantity: String(quantity),
  orders: 1,
})

describe('a book’s depth series', () => {
  it('sums each side from its best price outwards, bids down in price and asks up', () => {
    const series = depthSeries(sampleBook())!
    expect(series.bids).toEqual([
      { price: 900_000, depth: 3 },
      { price: 800_000, depth: 8 },
    ])
    expect(series.asks).toEqual([
      { price: 1_100_000, depth: 2 },
      { price: 1_200_000, depth: 6 },
      { price: 1_500_000, depth: 7 },
    ])
    expect(series.maxDepth).toBe(8)
    expect(series.mid).toBe(1_000_000)
    // Every level, and 5 % of the range (700 000) on each side.
    expect(series.low).toBe(765_000)
    expect(series.high).toBe(1_535_000)
  })

  it('orders levels best first even when they arrive otherwise', () => {
    const series = depthSeries({ bids: [level(5, 1), level(7, 2)], asks: [level(12, 1), level(9, 4)] })!
    expect(series.bids).toEqual([
      { price: 7, depth: 2 },
      { price: 5, depth: 3 },
    ])
    expect(series.asks).toEqual([
      { price: 9, depth: 4 },
      { price: 12, depth: 5 },
    ])
  })

  it('puts the mid at the only best price when one side is empty, with a margin around a single level', () => {
    const series = depthSeries({ bids: [], asks: [level(100, 3)] })!
    expect(series.bids).toEqual([])
    expect(series.mid).toBe(100)
    expect(series.low).toBe(90)
    expect(series.high).toBe(110)
    expect(series.maxDepth).toBe(3)
  })

  it('is null when both sides are empty (the chart says there are no orders)', () => {
    expect(depthSeries(emptyBook())).toBeNull()
  })
})

describe('the depth chart’s shapes', () => {
  // Prices 0…100 across x 0…100, depth 0…10 from y 50 up to y 0: coordinates read off directly.
  const box = { left: 0, right: 100, top: 0, bottom: 50 }
  const series = {
    bids: [
      { price: 40, depth: 2 },
      { price: 30, depth: 10 },
    ],
    asks: [{ price: 60, depth: 4 }],
    low: 0,
    high: 100,
    maxDepth: 10,
    mid: 50,
  }

  it('scales price along x and depth up from the baseline', () => {
    const { x, y } = depthScales(series, box)
    expect(x(0)).toBe(0)
    expect(x(50)).toBe(50)
    expect(y(0)).toBe(50)
    expect(y(10)).toBe(0)
    expect(y(5)).toBe(25)
  })

  it('steps the bids up to the left of the best bid and the asks up to the right of the best ask', () => {
    const paths = depthPaths(series, box)
    // From the baseline at the best bid: up to 2, left to the next level, up to 10, out to the axis's start.
    expect(paths.bids).toBe('M40 50V40H30V0H0V50Z')
    expect(paths.asks).toBe('M60 50V30H100V50Z')
  })

  it('draws nothing for an empty side', () => {
    expect(depthPaths({ ...series, asks: [] }, box).asks).toBe('')
  })
})
