import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { rejectionCode } from '../../../test/support/ledger-fixture'
import { toBase64 } from '../codec'
import type { RejectionCode } from '../errors'
import { applyTx, beginBlock } from '../execute'
import { signJobSpec, type SignedJobSpec } from '../records/job-spec'
import { workCost, type SignedWorkReceipt } from '../records/work-receipt'
import { EMPTY_ACCOUNT, LedgerState } from '../state'
import { MAX_SETTLE_RECEIPTS, parseTx, type SignedTx } from '../tx'
import { JOB_CLAIM_WINDOW_MS, SETTLE_WINDOW_MS } from './escrow'
import {
  HASH_A,
  HASH_B,
  jobCtx,
  jobSpec,
  jobTx,
  keysOf,
  PARAMS,
  PEERS,
  PRICE,
  PROPOSER,
  T0,
  workReceipt,
  type Keys,
} from './test-fixture'

describe('jobs on the ledger: escrow, settle, claim and refund', () => {
  let payer: Keys
  let a: Keys
  let b: Keys
  let c: Keys
  let spec: SignedJobSpec
  let state: LedgerState

  beforeAll(() => {
    ;[payer, a, b, c] = [keysOf(), keysOf(), keysOf(), keysOf()]
    spec = signJobSpec(jobSpec(payer), payer)
  })

  beforeEach(() => {
    state = new LedgerState(3)
    state.timeMs = T0 + 1000
    for (const k of [payer, a, b, c]) state.accounts.set(k.address, { ...EMPTY_ACCOUNT, balance: 1_000_000n })
  })

  const balance = (k: Keys): bigint => state.account(k.address)!.balance

  /** Applies to a copy: a refusal leaves the state's root as it was; success keeps the supply. */
  function attempt(tx: SignedTx): RejectionCode | null {
    const before = { root: state.root(), supply: state.supply() }
    const working = state.copy()
    const code = rejectionCode(() => applyTx(working, tx, jobCtx, PROPOSER))
    if (code == null) state = working
    else expect(working.root()).toBe(before.root)
    expect(state.supply()).toBe(before.supply)
    return code
  }
  const at = (timeMs: number): void => {
    state = beginBlock(state, state.height + 1, timeMs, PARAMS)
  }
  const escrow = (signed = spec, from = payer): RejectionCode | null =>
    attempt(jobTx(state, from, { kind: 'job-escrow', job: signed }))
  const settle = (paid: SignedWorkReceipt[], outvoted: SignedWorkReceipt[] = [], from = payer) =>
    attempt(jobTx(state, from, { kind: 'job-settle', jobId: spec.spec.jobId, paid, outvoted }))
  const claim = (receipt: SignedWorkReceipt, from: Keys) =>
    attempt(jobTx(state, from, { kind: 'job-claim', jobId: spec.spec.jobId, receipt }))
  const refund = (from = payer) => attempt(jobTx(state, from, { kind: 'job-refund', jobId: spec.spec.jobId }))

  describe('job-escrow', () => {
    it('moves the most the job may cost from the payer into an open escrow', () => {
      expect(escrow()).toBeNull()
      expect(balance(payer)).toBe(1_000_000n - 10n - 100_000n)
      expect(state.jobEscrows.get(spec.spec.jobId)).toMatchObject({
        payer: payer.address,
        amount: 100_000n,
        redundancy: 2,
        status: 'open',
        settleBy: spec.spec.expiresAt + SETTLE_WINDOW_MS,
        maxCpuMillis: 60_000,
      })
    })

    it('refuses a job id escrowed before, an expired spec, and a budget the payer does not have', () => {
      expect(escrow()).toBeNull()
      expect(escrow()).toBe('duplicate')
      state.jobEscrows.clear()
      state.timeMs = spec.spec.expiresAt
      expect(escrow()).toBe('stale')
      state.timeMs = T0 + 1000
      const costly = signJobSpec(jobSpec(payer, { jobId: '2'.repeat(64), maxPayment: '999995' }), payer)
      expect(escrow(costly)).toBe('insufficient-balance')
      expect(state.jobEscrows.size).toBe(0)
    })

    it('refuses a spec of another submitter, signed with another key, forged, or for another network', () => {
      expect(escrow(spec, a)).toBe('not-authorized')
      // The spec names the payer but carries (and is signed with) another key.
      const rekeyed = signJobSpec(jobSpec(payer), a)
      expect(escrow(rekeyed)).toBe('wrong-key')
      const signature = Buffer.from(spec.signature, 'base64')
      signature[50]! ^= 1
      expect(escrow({ ...spec, signature: signature.toString('base64') })).toBe('bad-signature')
      const inflated = { ...spec, spec: { ...spec.spec, maxPricePerCoreHour: '9' + PRICE } }
      expect(escrow(inflated)).toBe('bad-signature')
      expect(escrow(signJobSpec(jobSpec(payer, { networkId: 'e'.repeat(64) }), payer))).toBe('wrong-chain')
    })
  })

  describe('job-settle', () => {
    beforeEach(() => {
      expect(escrow()).toBeNull()
    })

    it('pays each agreeing provider price × CPU time, holds the rest, and counts the work as PoWork', () => {
      const ra = workReceipt(a, PEERS[0]!)
      const rb = workReceipt(b, PEERS[1]!, { cpuMillis: 20_000 })
      const payerBefore = balance(payer)
      expect(settle([ra, rb])).toBeNull()
      expect(workCost(ra.receipt)).toBe(2778n)
      expect(balance(a)).toBe(1_000_000n + 2778n)
      expect(balance(b)).toBe(1_000_000n + 5556n)
      // The rest is held through the claim window, for a provider the settlement left out.
      expect(balance(payer)).toBe(payerBefore - 10n)
      expect(state.jobEscrows.get(spec.spec.jobId)).toMatchObject({
        amount: 100_000n - 2778n - 5556n,
        status: 'settled',
      })
      // CPU milliseconds are millicore-seconds, weighted by the PublicNetwork multiplier (1.0).
      expect(state.usage.get(`${a.address}|cpu`)).toBe(10_000n * 1_000_000n)
      expect(state.usage.get(`${b.address}|cpu`)).toBe(20_000n * 1_000_000n)
    })

    it('outvotes a disagreeing provider: unpaid, with evidence against its account in the root', () => {
      const outvoted = workReceipt(c, PEERS[2]!, { outputHash: HASH_B })
      const rootBefore = state.root()
      expect(settle([workReceipt(a, PEERS[0]!), workReceipt(b, PEERS[1]!)], [outvoted])).toBeNull()
      expect(balance(c)).toBe(1_000_000n)
      expect(state.jobEvidence.get(`${c.address}|${spec.spec.jobId}`)).toEqual({
        jobId: spec.spec.jobId,
        account: c.address,
        provider: PEERS[2],
        outputHash: HASH_B,
        acceptedHash: HASH_A,
        height: 3,
      })
      const without = state.copy()
      without.jobEvidence.clear()
      expect(without.root()).not.toBe(state.root())
      expect(state.root()).not.toBe(rootBefore)
    })

    it('pays a failed run for the CPU time it used, and a single unverified result without PoWork', () => {
      const failed = workReceipt(b, PEERS[1]!, { status: 'timeout', outputHash: HASH_B, cpuMillis: 60_000 })
      expect(settle([workReceipt(a, PEERS[0]!), failed])).toBeNull()
      expect(balance(b)).toBe(1_000_000n + 16_667n)
      expect(state.usage.size).toBe(0)
    })

    it('pays in order while the budget lasts', () => {
      const jobId = '3'.repeat(64)
      expect(escrow(signJobSpec(jobSpec(payer, { jobId, maxPayment: '20000' }), payer))).toBeNull()
      const [ra, rb] = [a, b].map((k, i) => workReceipt(k, PEERS[i]!, { cpuMillis: 60_000 }, jobId))
      expect(
        attempt(jobTx(state, payer, { kind: 'job-settle', jobId, paid: [ra!, rb!], outvoted: [] })),
      ).toBeNull()
      expect(balance(a)).toBe(1_000_000n + 16_667n)
      expect(balance(b)).toBe(1_000_000n + 20_000n - 16_667n)
      expect(state.jobEscrows.get(jobId)?.amount).toBe(0n)
    })

    it('refuses forged receipts and receipts for another job or network', () => {
      const good = workReceipt(a, PEERS[0]!)
      const signature = Buffer.from(good.signature, 'base64')
      signature[60]! ^= 1
      expect(settle([{ ...good, signature: signature.toString('base64') }])).toBe('invalid-receipt')
      expect(settle([{ ...good, receipt: { ...good.receipt, cpuMillis: 50_000 } }])).toBe('invalid-receipt')
      expect(settle([{ ...good, providerKey: toBase64(b.publicKey) }])).toBe('invalid-receipt')
      expect(settle([workReceipt(a, PEERS[0]!, {}, '2'.repeat(64))])).toBe('invalid-receipt')
      expect(settle([workReceipt(a, PEERS[0]!, { networkId: 'e'.repeat(64) })])).toBe('invalid-receipt')
    })

    it('refuses a price above the job’s maximum, the payer’s own receipt, a future run, a provider twice', () => {
      expect(settle([workReceipt(a, PEERS[0]!, { pricePerCoreHour: '1000001' })])).toBe('invalid-receipt')
      expect(settle([workReceipt(payer, PEERS[3]!)])).toBe('invalid-receipt')
      expect(settle([workReceipt(a, PEERS[0]!, { cpuMillis: 60_001 })])).toBe('invalid-receipt')
      const future = workReceipt(a, PEERS[0]!, { endsAt: state.timeMs + 20_000 })
      expect(settle([future])).toBe('invalid-receipt')
      const ra = workReceipt(a, PEERS[0]!)
      expect(settle([ra, ra])).toBe('duplicate')
      expect(settle([ra], [workReceipt(a, PEERS[0]!, { outputHash: HASH_B })])).toBe('duplicate')
    })

    it('refuses paid results that disagree, and outvoting without two agreeing results', () => {
      const [ra, rb] = [workReceipt(a, PEERS[0]!), workReceipt(b, PEERS[1]!, { outputHash: HASH_B })]
      expect(settle([ra, rb])).toBe('invalid-receipt')
      expect(settle([ra], [rb])).toBe('invalid-receipt')
      const rc = workReceipt(c, PEERS[2]!)
      // Two agree, but the "outvoted" one returned the accepted result, or returned none at all.
      expect(settle([ra, rc], [workReceipt(b, PEERS[1]!)])).toBe('invalid-receipt')
      expect(settle([ra, rc], [workReceipt(b, PEERS[1]!, { status: 'error', outputHash: HASH_B })])).toBe(
        'invalid-receipt',
      )
      expect(state.jobEscrows.get(spec.spec.jobId)?.status).toBe('open')
    })

    it('refuses a settlement by anyone but the payer, a replay, a second one, and one after settleBy', () => {
      const ra = workReceipt(a, PEERS[0]!)
      expect(settle([ra], [], b)).toBe('not-authorized')
      const tx = jobTx(state, payer, { kind: 'job-settle', jobId: spec.spec.jobId, paid: [ra], outvoted: [] })
      expect(attempt(tx)).toBeNull()
      expect(attempt(tx)).toBe('wrong-nonce')
      expect(settle([])).toBe('job-closed')
      state.jobEscrows.clear()
      expect(escrow()).toBeNull()
      state.timeMs = spec.spec.expiresAt + SETTLE_WINDOW_MS
      expect(settle([ra])).toBe('stale')
      expect(
        attempt(jobTx(state, payer, { kind: 'job-settle', jobId: '9'.repeat(64), paid: [], outvoted: [] })),
      ).toBe('unknown-job')
    })

    it('refuses more receipts than a settlement may carry before reading them', () => {
      const ra = workReceipt(a, PEERS[0]!)
      const body = jobTx(state, payer, {
        kind: 'job-settle',
        jobId: spec.spec.jobId,
        paid: [ra],
        outvoted: [],
      })
      const oversized = { ...body, body: { ...body.body, paid: Array(MAX_SETTLE_RECEIPTS + 1).fill(ra) } }
      expect(rejectionCode(() => parseTx(oversized, { maxTxBytes: 1 << 20 }))).toBe('malformed')
      const full = { ...body, body: { ...body.body, paid: Array(MAX_SETTLE_RECEIPTS).fill(ra) } }
      expect(rejectionCode(() => parseTx(full, { maxTxBytes: 1 << 20 }))).toBeNull()
      // Six FALCON-signed receipts in all fit the default transaction size (docs/consensus.md, Known limits).
      expect(rejectionCode(() => parseTx(full, PARAMS))).toBeNull()
    })
  })

  describe('job-claim and job-refund', () => {
    const settleBy = (): number => spec.spec.expiresAt + SETTLE_WINDOW_MS

    beforeEach(() => {
      expect(escrow()).toBeNull()
    })

    it('pays a provider its receipt after settleBy when the payer never settled, once', () => {
      const ra = workReceipt(a, PEERS[0]!)
      expect(claim(ra, a)).toBe('too-early')
      at(settleBy())
      expect(claim(ra, b)).toBe('not-authorized')
      expect(claim(ra, a)).toBeNull()
      expect(balance(a)).toBe(1_000_000n - 10n + 2778n)
      expect(claim(ra, a)).toBe('duplicate')
      expect(state.jobEscrows.get(spec.spec.jobId)).toMatchObject({
        amount: 100_000n - 2778n,
        status: 'open',
      })
    })

    it('refuses claims on a settled job, after the claim window, and forged receipts', () => {
      const ra = workReceipt(a, PEERS[0]!)
      at(settleBy())
      const forged = { ...ra, receipt: { ...ra.receipt, cpuMillis: 60_000 } }
      expect(claim(forged, a)).toBe('invalid-receipt')
      at(settleBy() + JOB_CLAIM_WINDOW_MS)
      expect(claim(ra, a)).toBe('stale')
      expect(refund()).toBeNull()
      expect(claim(ra, a)).toBe('job-closed')
    })

    it('refunds what remains to the payer alone, only after the claim window, once', () => {
      at(settleBy())
      expect(claim(workReceipt(a, PEERS[0]!), a)).toBeNull()
      expect(refund()).toBe('too-early')
      at(settleBy() + JOB_CLAIM_WINDOW_MS)
      expect(refund(a)).toBe('not-authorized')
      const before = balance(payer)
      expect(refund()).toBeNull()
      expect(balance(payer)).toBe(before - 10n + 100_000n - 2778n)
      expect(refund()).toBe('job-closed')
    })

    it('forgets a closed escrow once its windows pass; its expired spec cannot be escrowed again', () => {
      expect(settle([workReceipt(a, PEERS[0]!)])).toBeNull()
      at(settleBy() + JOB_CLAIM_WINDOW_MS + 1)
      // Still holding what was not paid: kept until its payer takes it back.
      expect(state.jobEscrows.has(spec.spec.jobId)).toBe(true)
      expect(refund()).toBeNull()
      at(settleBy() + JOB_CLAIM_WINDOW_MS + 2)
      expect(state.jobEscrows.has(spec.spec.jobId)).toBe(false)
      expect(escrow()).toBe('stale')
    })

    it('lets a provider a settlement left out claim from what is held, and no one it named', () => {
      const ra = workReceipt(a, PEERS[0]!)
      const rb = workReceipt(b, PEERS[1]!, { cpuMillis: 20_000 })
      const rc = workReceipt(c, PEERS[2]!, { outputHash: HASH_B })
      // The payer pays a alone and names nobody else: b, which also ran, is left out.
      expect(settle([ra, workReceipt(c, PEERS[2]!)], [])).toBeNull()
      expect(claim(rb, b)).toBeNull()
      expect(balance(b)).toBe(1_000_000n - 10n + 5556n)
      expect(claim(ra, a)).toBe('duplicate')
      expect(claim(rb, b)).toBe('duplicate')
      expect(refund()).toBe('too-early')
      at(settleBy() + JOB_CLAIM_WINDOW_MS)
      expect(claim(rc, c)).toBe('stale')
      const before = balance(payer)
      expect(refund()).toBeNull()
      expect(balance(payer)).toBe(before - 10n + 100_000n - 2n * 2778n - 5556n)
      expect(refund()).toBe('job-closed')
    })

    it('refuses a claim by a provider the settlement outvoted', () => {
      const ra = workReceipt(a, PEERS[0]!)
      const rb = workReceipt(b, PEERS[1]!)
      const rc = workReceipt(c, PEERS[2]!, { outputHash: HASH_B })
      expect(settle([ra, rb], [rc])).toBeNull()
      expect(claim(rc, c)).toBe('not-authorized')
    })
  })
})
