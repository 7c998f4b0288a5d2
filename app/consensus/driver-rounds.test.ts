/**
 * Issue 17, item 21: votes for any round up to 10^6 were tallied and relayed, and every known vote went to
 * every peer every 200 ms. Now rounds beyond the next are not tallied (only each validator's highest round
 * is kept, for line 55), and gossip sends a peer only what it lacks.
 */
import { describe, expect, it } from 'vitest'
import { testDriver, testProposal, testVote, validatorIndex } from '../../test/support/driver-fixture'
import { buildTestBlock, testValidators } from '../../test/support/ledger-fixture'
import { virtualClock } from '../../test/support/virtual-clock'

const votesTo = (sent: { to: string; message: { type: string } }[], peer: string): number =>
  sent.filter((s) => (s.to === peer || s.to === '*') && s.message.type === 'vote').length

describe('rounds and gossip (issue 17, item 21)', () => {
  it('neither tallies nor relays votes for rounds beyond the next', () => {
    const { clock, advance } = virtualClock(10_000)
    const node = testDriver({ clock, validator: 0 })
    node.driver.start()
    for (let round = 2; round < 1_002; round++) node.driver.receive('v1', testVote(1, 'prevote', round, null))
    expect(node.driver.machine.knownMessages().votes).toEqual([])
    expect(votesTo(node.sent, '*')).toBe(0)
    // One check per validator and gossip interval: its highest round is what line 55 counts.
    expect(node.driver.machine.roundSeen(testValidators[1]!.address)).toBe(2)
    advance(200)
    node.driver.receive('v1', testVote(1, 'prevote', 900, null))
    expect(node.driver.machine.roundSeen(testValidators[1]!.address)).toBe(900)
    expect(node.driver.machine.round).toBe(0)
    node.driver.stop()
  })

  it('skips to the highest round that more than a third of the power has reached (line 55)', () => {
    const node = testDriver({ clock: virtualClock(10_000).clock, validator: 0 })
    node.driver.start()
    node.driver.receive('v1', testVote(1, 'prevote', 9, null))
    expect(node.driver.machine.round).toBe(0)
    node.driver.receive('v2', testVote(2, 'prevote', 7, null))
    // Validators 1 and 2 hold half the power; both have reached round 7.
    expect(node.driver.machine.round).toBe(7)
    node.driver.stop()
  })

  it('gossips to each peer only the votes it lacks', () => {
    const { clock, advance } = virtualClock(10_000)
    const node = testDriver({ clock, validator: 0 })
    const proposer = validatorIndex(node.driver.proposer(1, 0))
    node.driver.start()
    for (const peer of ['a', 'b']) node.driver.receive(peer, { type: 'status', height: 0, round: 0 })
    const block = buildTestBlock(node.chain, proposer, null, 10_000)
    node.driver.receive('a', testProposal(proposer, block, 0))
    const own = node.sent.find((s) => s.message.type === 'vote')!.message
    expect(own.type === 'vote' && own.vote.validator).toBe(testValidators[0]!.address)
    // Peer a relays our prevote back (it has it); peer b stays silent.
    node.driver.receive('a', own)
    const before = { a: votesTo(node.sent, 'a'), b: votesTo(node.sent, 'b') }
    advance(1_800)
    expect(votesTo(node.sent, 'a') - before.a).toBe(0)
    expect(votesTo(node.sent, 'b') - before.b).toBe(0)
    // A send that was never acknowledged is repeated after 2 s, once.
    advance(400)
    expect(votesTo(node.sent, 'a') - before.a).toBe(0)
    expect(votesTo(node.sent, 'b') - before.b).toBe(1)
    node.driver.stop()
  })
})
