/** Account history in the contract's shapes, for tests and the demo page. */
import type { HistoryEntry, HistoryPage } from '../../../shared/api'
import { SAMPLE_NOW } from './sample-data'
import { sampleAddresses } from './sample-wallet'

const [MINE, THEIRS] = sampleAddresses as [string, string]

/** A committed entry of `MINE` (a transfer received at height 40 unless told otherwise). */
export const sampleEntry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  account: MINE,
  status: 'committed',
  height: 40,
  timeMs: SAMPLE_NOW - 60_000,
  txId: 'c1'.repeat(32),
  kind: 'transfer',
  category: 'received',
  balanceChange: '2500000',
  stakeChange: '0',
  fee: '0',
  counterparty: THEIRS,
  ...over,
})

/** A transfer sent from `MINE`, still in the pool. */
export const samplePendingEntry = (over: Partial<HistoryEntry> = {}): HistoryEntry =>
  sampleEntry({
    status: 'pending',
    height: null,
    timeMs: SAMPLE_NOW - 2_000,
    txId: 'a0'.repeat(32),
    category: 'sent',
    balanceChange: '-1000010',
    fee: '10',
    ...over,
  })

/** A page of one pending entry, a transfer received, a stake and an epoch reward; older ones below 30. */
export const sampleHistoryPage = (over: Partial<HistoryPage> = {}): HistoryPage => ({
  entries: [
    samplePendingEntry(),
    sampleEntry(),
    sampleEntry({
      height: 35,
      txId: 'd2'.repeat(32),
      kind: 'stake',
      category: 'staked',
      balanceChange: '-5000010',
      stakeChange: '5000000',
      fee: '10',
      counterparty: null,
    }),
    sampleEntry({
      height: 31,
      txId: null,
      kind: 'reward',
      category: 'rewards',
      balanceChange: '750000',
      counterparty: null,
    }),
  ],
  nextBeforeHeight: 31,
  ...over,
})
