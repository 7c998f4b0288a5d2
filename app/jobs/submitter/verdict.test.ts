import { describe, expect, it } from 'vitest'
import type { SignedWorkReceipt } from '../../consensus'
import { verdictOf, type FinishedRun } from './verdict'

const run = (peerId: string, status: string, outputHash: string): FinishedRun => ({
  peerId,
  receipt: { receipt: { status, outputHash } } as unknown as SignedWorkReceipt,
})
const peers = (runs: readonly FinishedRun[]) => runs.map((r) => r.peerId)

describe('the verdict on a job’s runs', () => {
  it('accepts two runs that agree, and outvotes a third with other output', () => {
    const verdict = verdictOf([run('b', 'ok', 'h1'), run('c', 'ok', 'h2'), run('d', 'ok', 'h1')], 2)
    expect(verdict.kind).toBe('decided')
    if (verdict.kind !== 'decided') return
    expect(verdict.result).toEqual({ status: 'ok', outputHash: 'h1' })
    expect(peers(verdict.agreeing)).toEqual(['b', 'd'])
    expect(peers(verdict.outvoted)).toEqual(['c'])
  })

  it('asks for a tie-breaker while two runs disagree', () => {
    expect(verdictOf([run('b', 'ok', 'h1'), run('c', 'ok', 'h2')], 2)).toMatchObject({ kind: 'undecided' })
  })

  it('is undecided with fewer agreeing runs than the redundancy', () => {
    expect(verdictOf([run('b', 'ok', 'h1')], 2)).toEqual({
      kind: 'undecided',
      reason: '1 of the 2 runs needed agree',
    })
    expect(verdictOf([], 1)).toMatchObject({ kind: 'undecided' })
  })

  it('accepts one run with redundancy 1 (unverified), outvoting nobody', () => {
    const verdict = verdictOf([run('b', 'ok', 'h1')], 1)
    expect(verdict).toMatchObject({ kind: 'decided', outvoted: [], paidFailures: [] })
  })

  it('pays a run that failed beside an accepted result for its time, without outvoting it', () => {
    const verdict = verdictOf([run('b', 'ok', 'h1'), run('c', 'timeout', 'h0'), run('d', 'ok', 'h1')], 2)
    if (verdict.kind !== 'decided') throw new Error('undecided')
    expect(peers(verdict.paidFailures)).toEqual(['c'])
    expect(verdict.outvoted).toEqual([])
  })

  it('decides a failure every run agrees on: the job failed the same way everywhere', () => {
    const verdict = verdictOf([run('b', 'error', 'h0'), run('c', 'error', 'h0')], 2)
    expect(verdict).toMatchObject({ kind: 'decided', result: { status: 'error' }, outvoted: [] })
  })
})
