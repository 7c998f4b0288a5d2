import { describe, expect, it } from 'vitest'
import { testDriver } from '../../test/support/driver-fixture'
import { buildTestBlock, commitFor } from '../../test/support/ledger-fixture'
import { virtualClock } from '../../test/support/virtual-clock'
import { hashSeededProposer } from '../../test/sim/byzantine'
import { blockHash } from './block'
import { heightPriorities, type PowerOf } from './proposer-priority'

/** Round 0's proposers of `heights` heights in a row, starting from genesis. */
function proposers(heights: number, membersAt: (height: number) => PowerOf[]): string[] {
  let previous: Map<string, bigint> | null = null
  const out: string[] = []
  for (let h = 1; h <= heights; h++) {
    const next = heightPriorities(previous, membersAt(h))
    out.push(next.proposer)
    previous = next.priorities
  }
  return out
}

const count = (list: string[]): Record<string, number> =>
  Object.fromEntries([...new Set(list)].sort().map((a) => [a, list.filter((b) => b === a).length]))

describe('proposer priority (weighted round-robin)', () => {
  it('gives each validator turns in proportion to its power, deterministically', () => {
    const members = [1n, 2n, 3n, 4n].map((power, i) => ({ address: 'abcd'[i]!, power }))
    const list = proposers(1_000, () => members)
    expect(count(list)).toEqual({ a: 100, b: 200, c: 300, d: 400 })
    expect(proposers(1_000, () => members)).toEqual(list)
    // Spread out, not in runs: the largest never proposes more than twice in a row.
    expect(list.join('')).not.toMatch(/ddd/)
  })

  it('starts a validator that joins behind the others, then gives it its share', () => {
    const old = [1n, 1n].map((power, i) => ({ address: 'ab'[i]!, power }))
    const joined = [...old, { address: 'c', power: 1n }]
    const list = proposers(302, (h) => (h <= 2 ? old : joined)).slice(2)
    expect(list.slice(0, 2)).not.toContain('c')
    // The late start costs it one turn of 300.
    expect(count(list)).toEqual({ a: 101, b: 100, c: 99 })
  })

  it('refuses an empty set', () => {
    expect(() => heightPriorities(null, [])).toThrow(/validator set is empty/)
  })

  it('does not depend on anything a proposer puts in its block (issue 17, item 18)', () => {
    // Two nodes commit different blocks at height 1 (another timestamp, so another hash).
    const { clock } = virtualClock(10_000)
    const nodes = [testDriver({ clock, validator: null }), testDriver({ clock, validator: null })]
    const blocks = [
      buildTestBlock(nodes[0]!.chain, 0, null, 1_000),
      buildTestBlock(nodes[1]!.chain, 0, null, 1_001),
    ]
    nodes.forEach((n, i) => n.chain.commit(blocks[i]!, commitFor(blocks[i]!, [0, 1, 2])))
    // The rule that drew round 0 from the previous hash gave these two blocks different next proposers …
    const set = nodes[0]!.chain.validatorsAt(2)
    const drawn = blocks.map((b) => hashSeededProposer(set, 2, blockHash(b.header)))
    expect(drawn[0]).not.toBe(drawn[1])
    // … the schedule gives both the same, in every round.
    for (let round = 0; round < 8; round++)
      expect(nodes[1]!.driver.proposer(2, round)).toBe(nodes[0]!.driver.proposer(2, round))
  })
})
