/**
 * A node becomes a validator through the ledger, without a restart: funded in genesis, it stakes, joins
 * the validator set with its plot and peer id, and signs from then on. With equal stake on both
 * validators a quorum needs both, so the chain goes on only because the new validator signs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { falcon1024Scheme } from '../app/consensus/signature-scheme'
import { addressOf } from '../app/consensus/tx'
import { DEFAULT_PARAMS } from '../app/consensus/params'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'
import { candidateOf, chainStatus, startValidatorNet, type ValidatorNet } from './support/validator-net'

const STAKE = DEFAULT_PARAMS.minValidatorStake

describe('joining the validator set by stake', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-join-'))
  let net: ValidatorNet
  let joiner: Daemon
  let address: string

  beforeAll(async () => {
    ensureBuilt()
    const candidate = await candidateOf(join(base, 'joiner'))
    address = addressOf(falcon1024Scheme, candidate.falconPublicKey)
    net = await startValidatorNet(base, 1, {
      balances: [{ address, amount: (BigInt(STAKE) * 3n).toString() }],
    })
    joiner = await startDaemon(join(base, 'joiner'), ['--genesis', net.genesisFile])
    const { invite } = await net.daemons[0]!.call('network.invite', {})
    await joiner.call('network.join', { invite })
    await waitFor(
      'the joiner to see its funds',
      async () => (await chainStatus(joiner)).self.balance !== '0',
      60_000,
    )
  })

  afterAll(async () => {
    await joiner?.stop()
    await Promise.all(net?.daemons.map((d) => d?.stop()) ?? [])
    rmSync(base, { recursive: true, force: true })
  })

  it('refuses to join without bonded stake, saying how much is needed', async () => {
    const response = await joiner.callRaw('chain.joinValidators', {})
    expect(response.ok).toBe(false)
    if (!response.ok) expect(response.error.message).toMatch(/validators bond at least/)
  })

  it('stakes, joins, and signs from the next blocks on, without a restart', async () => {
    const first = net.daemons[0]!
    await joiner.call('chain.stake', { amount: STAKE })
    await waitFor(
      'the stake to be bonded',
      async () => (await chainStatus(joiner)).self.bonded === STAKE,
      60_000,
    )
    await joiner.call('chain.joinValidators', {})
    await waitFor(
      'two validators',
      async () => (await first.call('chain.validators', {})).length === 2,
      60_000,
    )
    await waitFor('the joiner to sign', async () => (await chainStatus(joiner)).role === 'validator', 60_000)
    // Each validator holds half the power: no block after this is committed without the joiner's vote.
    const joinedAt = (await chainStatus(first)).height
    await waitFor('three more blocks', async () => (await chainStatus(first)).height >= joinedAt + 3, 60_000)
    const blocks = await first.call('chain.blocks', { limit: 3 })
    for (const block of blocks) expect(block.commitVotes).toBe(2)
    expect((await first.call('chain.validators', {})).map((v) => v.address)).toContain(address)
  })
})
