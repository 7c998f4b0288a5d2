import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { beginBlock } from './execute'
import { signJobSpec, type SignedJobSpec } from './records/job-spec'
import { SETTLE_WINDOW_MS } from './jobs/escrow'
import { jobSpec, PARAMS, PEERS, workReceipt } from './jobs/test-fixture'
import { FEE, keysOf, TestLedger, type Keys } from './exchange/test-fixture'

describe('payout accounts: earnings paid to the account the earner names', () => {
  let node: Keys
  let wallet: Keys
  let other: Keys
  let payer: Keys
  let spec: SignedJobSpec
  let ledger: TestLedger

  beforeAll(() => {
    ;[node, wallet, other, payer] = [keysOf(), keysOf(), keysOf(), keysOf()]
    spec = signJobSpec(jobSpec(payer), payer)
  })
  beforeEach(() => {
    ledger = new TestLedger([node, payer, other])
  })

  const setPayout = (from: Keys, to: Keys) => ledger.apply(from, { kind: 'payout-set', to: to.address })

  it('records the payout account in the state root, refuses setting the same one twice, and clears it', () => {
    const root = ledger.state.root()
    expect(setPayout(node, wallet)).toBeNull()
    expect(ledger.state.payoutTo.get(node.address)).toBe(wallet.address)
    expect(ledger.state.root()).not.toBe(root)
    expect(setPayout(node, wallet)).toBe('duplicate')
    expect(setPayout(node, node)).toBeNull()
    expect(ledger.state.payoutTo.has(node.address)).toBe(false)
    expect(setPayout(node, node)).toBe('duplicate')
  })

  it('pays epoch rewards to the payout account, not the earner', () => {
    expect(setPayout(node, wallet)).toBeNull()
    ledger.state.usage.set(`${node.address}|memory`, 10n ** 15n)
    const epoch = PARAMS.rewards!.epochBlocks
    const before = ledger.balance(node)
    ledger.state = beginBlock(ledger.state, epoch, ledger.state.timeMs + 1, PARAMS)
    expect(ledger.balance(wallet)).toBeGreaterThan(0n)
    expect(ledger.balance(node)).toBe(before)
    expect(ledger.state.supply()).toBe(3n * 1_000_000n + ledger.state.issuance.minted)
  })

  it('pays a provider’s job earnings to its payout account, by settlement and by claim', () => {
    expect(setPayout(node, wallet)).toBeNull()
    expect(ledger.apply(payer, { kind: 'job-escrow', job: spec })).toBeNull()
    const receipt = workReceipt(node, PEERS[0]!)
    ledger.at(spec.spec.expiresAt + SETTLE_WINDOW_MS)
    const nodeBefore = ledger.balance(node)
    expect(ledger.apply(node, { kind: 'job-claim', jobId: spec.spec.jobId, receipt })).toBeNull()
    expect(ledger.balance(node)).toBe(nodeBefore - FEE)
    expect(ledger.balance(wallet)).toBe(2778n)
  })

  it('keeps the books when an earner’s payout account is the sender of the paying transaction', () => {
    // The provider pays out to the payer: the settlement credits the payer while debiting its fee.
    expect(setPayout(other, payer)).toBeNull()
    expect(ledger.apply(payer, { kind: 'job-escrow', job: spec })).toBeNull()
    ledger.at(spec.spec.createdAt + 60_000)
    const before = ledger.balance(payer)
    const paid = [workReceipt(other, PEERS[1]!), workReceipt(node, PEERS[0]!)]
    expect(ledger.apply(payer, { kind: 'job-settle', jobId: spec.spec.jobId, paid, outvoted: [] })).toBeNull()
    // 100,000 escrowed: 2,778 to node, 2,778 to other's payout account (the payer); the rest is held.
    expect(ledger.balance(payer)).toBe(before - FEE + 2778n)
    expect(ledger.state.jobEscrows.get(spec.spec.jobId)?.amount).toBe(100_000n - 2n * 2778n)
    expect(ledger.balance(node)).toBe(1_000_000n + 2778n)
  })
})
