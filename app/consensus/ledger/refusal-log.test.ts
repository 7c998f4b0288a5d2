/**
 * Issue 17, item 7: each refused consensus message was a warning line (20,000 votes from a non-validator
 * wrote 5.1 MB in 1.1 s). Now refusals are counted per peer, summarized once per interval, and a peer
 * refused too often is reported once as an offender.
 */
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { DISCONNECT_AFTER_REFUSALS, RefusalLog } from './refusal-log'

function capture() {
  const lines: Record<string, unknown>[] = []
  let bytes = 0
  const log = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        bytes += line.length
        lines.push(JSON.parse(line) as Record<string, unknown>)
      },
    },
  )
  return { log, lines, bytes: () => bytes }
}

describe('RefusalLog', () => {
  it('20,000 refused votes from one peer make two lines and one disconnect', () => {
    const { log, lines, bytes } = capture()
    const offenders: string[] = []
    const refusals = new RefusalLog(log, (peer) => offenders.push(peer))
    for (let i = 0; i < 20_000; i++)
      refusals.record(
        'flooder',
        'vote',
        `vote from ${i.toString(16).padStart(40, '0')}, which is not a validator`,
      )
    expect(offenders).toEqual(['flooder'])
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ peer: 'flooder', what: 'vote', msg: 'consensus refused a message' })
    refusals.flush()
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({
      peer: 'flooder',
      refused: 20_000,
      kinds: { vote: { count: 20_000, example: expect.stringMatching(/not a validator/) } },
    })
    expect(bytes()).toBeLessThan(2_000)
    // While it goes on, one summary per interval and no first-refusal line.
    for (let i = 0; i < 500; i++) refusals.record('flooder', 'vote', 'again')
    refusals.flush()
    expect(lines).toHaveLength(3)
    expect(offenders).toEqual(['flooder', 'flooder'])
  })

  it('an honest peer’s occasional refusal is logged at once, and never makes it an offender', () => {
    const { log, lines } = capture()
    const offenders: string[] = []
    const refusals = new RefusalLog(log, (peer) => offenders.push(peer))
    for (let interval = 0; interval < 5; interval++) {
      for (let i = 0; i < DISCONNECT_AFTER_REFUSALS / 2; i++) refusals.record('laggard', 'tx', 'nonce used')
      refusals.flush()
    }
    refusals.record('other', 'proposal', 'not this round’s proposer')
    expect(offenders).toEqual([])
    expect(lines.filter((l) => l.peer === 'laggard')).toHaveLength(6)
    expect(lines.at(-1)).toMatchObject({ peer: 'other', what: 'proposal' })
  })

  it('counts many kinds and many peers in bounded lines', () => {
    const { log, lines } = capture()
    const refusals = new RefusalLog(log, () => {}, { maxPeers: 3 })
    for (let p = 0; p < 100; p++)
      for (let k = 0; k < 20; k++) refusals.record(`peer-${p}`, `kind-${k}`, `reason ${k}`)
    refusals.flush()
    const summaries = lines.filter((l) => l.msg === 'consensus refused messages (summary)')
    expect(summaries.map((l) => l.peer)).toEqual(['peer-0', 'peer-1', 'peer-2', 'other-peers'])
    expect(summaries.at(-1)).toMatchObject({ refused: 97 * 20 })
    for (const summary of summaries) expect(Object.keys(summary.kinds as object)).toHaveLength(9)
  })

  it('refusals without a peer (blocks this node found invalid, reported once each) are each logged', () => {
    const { log, lines } = capture()
    const offenders: string[] = []
    const refusals = new RefusalLog(log, (peer) => offenders.push(peer), { disconnectAfter: 2 })
    for (let i = 0; i < 5; i++)
      refusals.record(null, `block ${i}`, `block ${i}: PoSpace: the answers do not verify`)
    refusals.stop()
    expect(offenders).toEqual([])
    expect(lines).toHaveLength(5)
    expect(lines[4]).toMatchObject({ what: 'block 4', reason: 'block 4: PoSpace: the answers do not verify' })
  })
})
