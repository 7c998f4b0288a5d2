import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { rejectionCode } from '../../../test/support/ledger-fixture'
import { applyTx, beginBlock } from '../execute'
import { DEFAULT_PARAMS, type ChainParams } from '../params'
import { signJobSpec, type SignedJobSpec } from '../records/job-spec'
import type { SignedWorkReceipt } from '../records/work-receipt'
import { DEFAULT_REWARD_SCHEDULE } from '../rewards/schedule'
import { falcon1024Scheme } from '../signature-scheme'
import { EMPTY_ACCOUNT, LedgerState } from '../state'
import { addressOf } from '../tx'
import { jobCtx, jobSpec, jobTx, workReceipt } from './test-fixture'

const PARAMS: ChainParams = { ...DEFAULT_PARAMS, rewards: { ...DEFAULT_REWARD_SCHEDULE, epochBlocks: 3 } }
const PROPOSER = 'ab'.repeat(20)
const PEERS = ['M', 'N', 'P'].map((c) => `12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXT${c}`)
const T0 = Date.UTC(2026, 11, 1)
const MINUTE = 60_000

type Keys = { publicKey: Uint8Array; secretKey: Uint8Array; address: string }
interface Job {
  spec: SignedJobSpec
  /** Receipts of providers a, b (agreeing), c (disagreeing) and c's failed run. */
  ra: SignedWorkReceipt
  rb: SignedWorkReceipt
  rc: SignedWorkReceipt
  rcFailed: SignedWorkReceipt
}

const Op = fc.oneof(
  fc.record({ op: fc.constant('escrow' as const), job: fc.nat(1) }),
  fc.record({ op: fc.constant('settle' as const), job: fc.nat(1), shape: fc.nat(4) }),
  fc.record({ op: fc.constant('claim' as const), job: fc.nat(1), provider: fc.nat(2) }),
  fc.record({ op: fc.constant('refund' as const), job: fc.nat(1) }),
  fc.record({ op: fc.constant('advance' as const), minutes: fc.constantFrom(1, 30, 70, 130) }),
)
type Op = typeof Op extends fc.Arbitrary<infer T> ? T : never

describe('job escrows conserve supply', () => {
  let payer: Keys
  let providers: Keys[]
  let jobs: Job[]

  beforeAll(() => {
    const keys = (): Keys => {
      const k = falcon1024Scheme.keygen()
      return { ...k, address: addressOf(falcon1024Scheme, k.publicKey) }
    }
    payer = keys()
    providers = [keys(), keys(), keys()]
    const [a, b, c] = providers as [Keys, Keys, Keys]
    jobs = ['1', '2'].map((digit) => {
      const jobId = digit.repeat(64)
      const expiresAt = T0 + 3 * MINUTE * (digit === '1' ? 10 : 40)
      return {
        spec: signJobSpec(jobSpec(payer, { jobId, expiresAt, maxPayment: '30000' }), payer),
        ra: workReceipt(a, PEERS[0]!, {}, jobId),
        rb: workReceipt(b, PEERS[1]!, { cpuMillis: 50_000 }, jobId),
        rc: workReceipt(c, PEERS[2]!, { outputHash: 'e'.repeat(64) }, jobId),
        rcFailed: workReceipt(c, PEERS[2]!, { status: 'memory', outputHash: 'e'.repeat(64) }, jobId),
      }
    })
  })

  const settlements = (j: Job): [SignedWorkReceipt[], SignedWorkReceipt[]][] => [
    [[j.ra, j.rb], [j.rc]],
    [[j.ra], []],
    [[j.ra, j.rb, j.rcFailed], []],
    [[j.ra, j.rc], []],
    [[], []],
  ]

  function txFor(state: LedgerState, op: Exclude<Op, { op: 'advance' }>) {
    const job = jobs[op.job]!
    const jobId = job.spec.spec.jobId
    switch (op.op) {
      case 'escrow':
        return jobTx(state, payer, { kind: 'job-escrow', job: job.spec })
      case 'settle': {
        const [paid, outvoted] = settlements(job)[op.shape]!
        return jobTx(state, payer, { kind: 'job-settle', jobId, paid, outvoted })
      }
      case 'claim': {
        const receipt = [job.ra, job.rb, job.rc][op.provider]!
        return jobTx(state, providers[op.provider]!, { kind: 'job-claim', jobId, receipt })
      }
      case 'refund':
        return jobTx(state, payer, { kind: 'job-refund', jobId })
    }
  }

  it('random escrows, settlements, claims, refunds and epochs keep supply = genesis + minted − burned', () => {
    const applied = { escrow: 0, settle: 0, claim: 0, refund: 0, minted: 0 }
    fc.assert(
      fc.property(fc.array(Op, { minLength: 1, maxLength: 14 }), (ops) => {
        let state = new LedgerState(1)
        state.timeMs = T0
        for (const k of [payer, ...providers])
          state.accounts.set(k.address, { ...EMPTY_ACCOUNT, balance: 100_000n })
        const genesis = state.supply()
        for (const op of ops) {
          if (op.op === 'advance')
            state = beginBlock(state, state.height + 1, state.timeMs + op.minutes * MINUTE, PARAMS)
          else {
            const working = state.copy()
            if (rejectionCode(() => applyTx(working, txFor(state, op), jobCtx, PROPOSER)) == null) {
              state = working
              applied[op.op]++
            }
          }
          if (state.issuance.minted > 0n) applied.minted++
          expect(state.supply()).toBe(genesis + state.issuance.minted - state.issuance.burned)
          for (const [address, account] of state.accounts)
            expect(account.balance >= 0n, `${address} went negative`).toBe(true)
          for (const escrow of state.jobEscrows.values()) {
            expect(escrow.amount >= 0n).toBe(true)
            if (escrow.status === 'refunded') expect(escrow.amount).toBe(0n)
          }
        }
      }),
      { numRuns: 40, seed: 18 },
    )
    // The sequences reach every rule, not only refusals: every kind applied, and epochs paid accepted work.
    for (const [what, count] of Object.entries(applied)) expect(count, what).toBeGreaterThan(0)
  })
})
