import { describe, expect, it } from 'vitest'
import type { SignedWorkReceipt } from '../../consensus'
import { settlementOf } from './settlement'
import type { FinishedRun } from './verdict'

const run = (peerId: string, status: string, outputHash: string): FinishedRun => ({
  peerId,
  receipt: { receipt: { status, outputHash } } as unknown as SignedWorkReceipt,
})
const peers = (runs: readonly FinishedRun[]) => runs.map((r) => r.peerId)

describe('what a settlement pays', () => {
  it('pays the agreeing runs and a failed one, and outvotes the run with other output', () => {
    const s = settlementOf(
      [run('b', 'ok', 'h1'), run('c', 'ok', 'h2'), run('d', 'ok', 'h1'), run('e', 'timeout', 'h0')],
      2,
    )
    expect(peers(s.paid)).toEqual(['b', 'd', 'e'])
    expect(peers(s.outvoted)).toEqual(['c'])
  })

  it('pays a result nobody contradicts, though too few came back to verify it', () => {
    const s = settlementOf([run('b', 'ok', 'h1'), run('c', 'error', 'h0')], 2)
    expect(s.verdict.kind).toBe('undecided')
    expect(peers(s.paid)).toEqual(['b', 'c'])
    expect(s.outvoted).toEqual([])
  })

  it('pays none of the results that disagree with no majority, only the failed runs', () => {
    const s = settlementOf([run('b', 'ok', 'h1'), run('c', 'ok', 'h2'), run('d', 'memory', 'h0')], 2)
    expect(peers(s.paid)).toEqual(['d'])
    expect(s.outvoted).toEqual([])
  })
})
