import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Plot, plotOwner } from '../proofs/space'
import { loadOrCreatePlot, plotPath } from './plot-file'

const SHAPE = { leavesLog2: 6, iterations: 3 }
const KEY = Uint8Array.of(1, 2, 3, 4)
const OTHER_KEY = Uint8Array.of(9, 9, 9)
let dir: string

beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hm-plot-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('loadOrCreatePlot', () => {
  it('generates the plot once and loads the same commitment after', () => {
    const first = loadOrCreatePlot(dir, KEY, SHAPE)
    expect(first.created).toBe(true)
    expect(first.plot.commitment).toEqual(Plot.generate(plotOwner(KEY), 6, 3).commitment)
    expect(readFileSync(plotPath(dir, SHAPE)).length).toBe(64 * 32)
    const again = loadOrCreatePlot(dir, KEY, SHAPE)
    expect(again.created).toBe(false)
    expect(again.plot.commitment).toEqual(first.plot.commitment)
  })

  it('replaces a truncated file, an altered one, and one made for another key', () => {
    const good = loadOrCreatePlot(dir, KEY, SHAPE).plot.commitment
    const path = plotPath(dir, SHAPE)
    const bytes = readFileSync(path)
    writeFileSync(path, bytes.subarray(0, bytes.length - 1))
    expect(loadOrCreatePlot(dir, KEY, SHAPE)).toMatchObject({ created: true, replaced: 'wrong size' })
    const altered = Buffer.from(bytes)
    altered[0] = altered[0]! ^ 1
    writeFileSync(path, altered)
    const fixed = loadOrCreatePlot(dir, KEY, SHAPE)
    expect(fixed.replaced).toMatch(/label 0 does not match/)
    expect(fixed.plot.commitment).toEqual(good)
    loadOrCreatePlot(dir, OTHER_KEY, SHAPE)
    const mine = loadOrCreatePlot(dir, KEY, SHAPE)
    expect(mine.replaced).toMatch(/does not match this node's key/)
    expect(mine.plot.commitment).toEqual(good)
  })
})
