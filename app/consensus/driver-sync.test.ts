/**
 * Issue 17, item 17: one bad sync response halted a node for good. Sync entries are committed one by one;
 * a junk entry after a valid one left the chain a height ahead of the state machine, which then dropped
 * every message of its height. And any peer could send a sync response, asked or not.
 */
import { describe, expect, it } from 'vitest'
import { testDriver } from '../../test/support/driver-fixture'
import { growTestChain } from '../../test/support/ledger-fixture'
import { virtualClock } from '../../test/support/virtual-clock'
import type { CommittedEntry } from './messages'

/** Two committed blocks from another node, and a junk entry that claims the height after the first. */
function entries(): { valid: CommittedEntry[]; junk: CommittedEntry } {
  const source = testDriver({ clock: virtualClock().clock, validator: null })
  growTestChain(source.chain, 2)
  const valid = [1, 2].map((h) => {
    const { block, commit } = source.chain.store.get(h)!
    return { block, commit }
  })
  const first = valid[0]!
  const junk = {
    block: { ...first.block, header: { ...first.block.header, height: 2 } },
    commit: { ...first.commit, height: 2 },
  }
  return { valid, junk }
}

/** An observer that records what it refuses. */
function observer() {
  const refused: string[] = []
  const node = testDriver({
    clock: virtualClock(10_000).clock,
    validator: null,
    events: { refused: (what, why, peer) => refused.push(`${what} from ${peer ?? '?'}: ${why}`) },
  })
  node.driver.start()
  return { ...node, refused }
}

describe('block sync (issue 17, item 17)', () => {
  it('moves the state machine to the height the chain reached, whatever a later entry holds', () => {
    const { valid, junk } = entries()
    const { refused, ...node } = observer()
    node.driver.receive('peer', { type: 'status', height: 2, round: 0 })
    expect(node.sent.some((s) => s.to === 'peer' && s.message.type === 'sync-request')).toBe(true)
    node.driver.receive('peer', { type: 'sync-response', entries: [valid[0]!, junk] })
    expect(node.chain.height).toBe(1)
    expect(refused.some((r) => r.startsWith('sync-response from peer'))).toBe(true)
    // Left at height 1, the machine would drop every message of height 2 and never decide again.
    expect(node.driver.machine.height).toBe(2)
    node.driver.stop()
  })

  it('applies only answers to its own requests, one answer per request', () => {
    const { valid } = entries()
    const { refused, ...node } = observer()
    node.driver.receive('stranger', { type: 'sync-response', entries: valid })
    expect(node.chain.height).toBe(0)
    expect(refused).toEqual(['sync-response from stranger: this node did not ask that peer for blocks'])

    node.driver.receive('peer', { type: 'status', height: 2, round: 0 })
    node.driver.receive('peer', { type: 'sync-response', entries: valid.slice(0, 1) })
    expect(node.chain.height).toBe(1)
    node.driver.receive('peer', { type: 'sync-response', entries: valid.slice(1) })
    expect(node.chain.height).toBe(1)
    expect(refused).toHaveLength(2)
    node.driver.stop()
  })
})
