/**
 * Escrows left open by a node that stopped in the middle of a job: closed from the receipts it kept, at
 * the right time, once; and what the escrow paid is recorded on the job.
 */
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DatabaseSync } from 'node:sqlite'
import { JOB_CLAIM_WINDOW_MS, signJobSpec, type JobSpec } from '../../consensus'
import { CHAIN, jobSpec, keysOf, PEERS, T0, workReceipt } from '../../consensus/jobs/test-fixture'
import { openDatabase } from '../../node/storage/database'
import { JobStore, type StoredJob } from '../job-store'
import type { EscrowView, JobsLedgerView, JobsServiceParts, UnsignedJobTx } from '../ports'
import { UnsettledJobs } from './unsettled-jobs'

const NETWORK = CHAIN
const NOW = T0
const submitter = keysOf()
const providers = [keysOf(), keysOf()]
const spec: JobSpec = jobSpec(submitter, { runtime: 'quickjs', maxPayment: '1000' })

const receipt = (i: number, outputHash: string) => ({
  peerId: PEERS[i]!,
  receipt: workReceipt(providers[i]!, PEERS[i]!, {
    runtime: 'quickjs',
    outputHash,
    cpuMillis: 100,
    startsAt: NOW,
    endsAt: NOW + 200,
  }),
})

function storedJob(receipts: StoredJob['receipts']): StoredJob {
  return {
    spec: signJobSpec(spec, submitter),
    receipts,
    summary: {
      jobId: spec.jobId,
      name: 'interrupted',
      runtime: 'quickjs',
      state: 'failed',
      reason: 'the node stopped while the job ran',
      redundancy: 2,
      verified: false,
      createdAt: NOW,
      updatedAt: NOW,
      limits: spec.limits,
      maxPayment: spec.maxPayment,
      providers: receipts.map((r) => ({
        peerId: r.peerId,
        role: 'replica',
        state: 'returned',
        reason: null,
        pricePerCoreHour: spec.maxPricePerCoreHour,
        status: 'ok',
        outputHash: r.receipt.receipt.outputHash,
        cpuMillis: 100,
        paid: null,
        log: '',
        startedAt: NOW,
        endedAt: NOW + 200,
      })),
      outputHash: null,
      outputBytes: null,
      cost: null,
      refunded: null,
      escrowTx: 'e'.repeat(64),
      settleTx: null,
    },
  }
}

describe('escrows of interrupted jobs', () => {
  let db: DatabaseSync
  let store: JobStore
  let sent: UnsignedJobTx[]
  let escrow: EscrowView | null
  let paid: Map<string, bigint>
  let ledgerTime: number
  let clock: number
  let running: boolean
  let changed: number

  const ledger = (): JobsLedgerView => ({
    networkId: NETWORK,
    timeMs: ledgerTime,
    minFee: 1n,
    escrow: () => escrow,
    outvoted: () => false,
    paidTo: (account) => paid.get(account) ?? 0n,
    balance: () => 0n,
    addressOfKey: () => null,
    cpuAssetPeers: () => [],
  })

  const unsettled = (): UnsettledJobs =>
    new UnsettledJobs(
      {
        ledger,
        activeNetworkId: () => NETWORK,
        submitTx: (tx: UnsignedJobTx) => {
          sent.push(tx)
          return { txId: 'f'.repeat(64) }
        },
        log: pino({ level: 'silent' }),
        now: () => clock,
      } as unknown as JobsServiceParts,
      store,
      () => running,
      () => changed++,
    )

  beforeEach(() => {
    db = openDatabase(':memory:')
    store = new JobStore(db)
    sent = []
    escrow = {
      payer: spec.submitter,
      remaining: 1000n,
      open: true,
      settleBy: spec.expiresAt + 3_600_000,
      paidTotal: 0n,
    }
    paid = new Map()
    ledgerTime = NOW + 1000
    clock = NOW + 1000
    running = false
    changed = 0
  })
  afterEach(() => db.close())

  it('settles from the receipts kept, once, and records what the escrow paid', () => {
    const kept = receipt(0, '1'.repeat(64))
    store.saveJob(NETWORK, storedJob([kept]))
    const jobs = unsettled()
    jobs.check()
    expect(sent).toEqual([{ kind: 'job-settle', jobId: spec.jobId, paid: [kept.receipt], outvoted: [] }])
    jobs.check()
    expect(sent, 'not sent again while it may still commit').toHaveLength(1)

    escrow = { ...escrow!, open: false, remaining: 0n, paidTotal: 28n }
    paid.set(providers[0]!.address, 28n)
    jobs.check()
    const summary = store.job(spec.jobId)!.summary
    expect(summary).toMatchObject({ cost: '28', refunded: '972', settleTx: 'f'.repeat(64) })
    expect(summary.providers[0]!.paid).toBe('28')
    expect(changed).toBe(1)
    expect(store.unsettled(NETWORK)).toEqual([])
  })

  it('pays neither of two runs that disagree with no tie-breaker', () => {
    store.saveJob(NETWORK, storedJob([receipt(0, '1'.repeat(64)), receipt(1, '2'.repeat(64))]))
    unsettled().check()
    expect(sent).toEqual([{ kind: 'job-settle', jobId: spec.jobId, paid: [], outvoted: [] }])
  })

  it('leaves the claim window to the providers, then takes back what remains', () => {
    store.saveJob(NETWORK, storedJob([receipt(0, '1'.repeat(64))]))
    ledgerTime = escrow!.settleBy + 1
    unsettled().check()
    expect(sent).toEqual([])
    ledgerTime = escrow!.settleBy + JOB_CLAIM_WINDOW_MS
    unsettled().check()
    expect(sent).toEqual([{ kind: 'job-refund', jobId: spec.jobId }])
  })

  it('waits out the claim window of a settlement that holds the rest, takes it back, then records it all', () => {
    const kept = receipt(0, '1'.repeat(64))
    store.saveJob(NETWORK, { ...storedJob([kept]), summary: { ...storedJob([kept]).summary, cost: '28' } })
    escrow = { ...escrow!, open: false, remaining: 972n, paidTotal: 28n }
    unsettled().check()
    expect(sent, 'no second settlement, and no refund within the claim window').toEqual([])
    expect(store.unsettled(NETWORK)).toHaveLength(1)
    ledgerTime = escrow.settleBy + JOB_CLAIM_WINDOW_MS
    unsettled().check()
    expect(sent).toEqual([{ kind: 'job-refund', jobId: spec.jobId }])
    // A provider left out claimed 10 in the window; the refund took back the other 962.
    escrow = { ...escrow, remaining: 0n, paidTotal: 38n }
    unsettled().check()
    expect(store.job(spec.jobId)!.summary).toMatchObject({ cost: '38', refunded: '962' })
    expect(store.unsettled(NETWORK)).toEqual([])
  })

  it('sends again when a settlement has not committed after two minutes', () => {
    store.saveJob(NETWORK, storedJob([]))
    const jobs = unsettled()
    jobs.check()
    clock += 2 * 60_000
    jobs.check()
    expect(sent).toHaveLength(2)
  })

  it('leaves a running job to its driver, and records nothing held for an escrow never committed', () => {
    store.saveJob(NETWORK, storedJob([]))
    running = true
    unsettled().check()
    expect(sent).toEqual([])
    running = false
    escrow = null
    unsettled().check()
    expect(store.job(spec.jobId)!.summary.cost, 'still waiting while the spec may be escrowed').toBeNull()
    ledgerTime = spec.expiresAt + 1
    unsettled().check()
    expect(store.job(spec.jobId)!.summary).toMatchObject({ cost: '0', refunded: '1000' })
  })
})
