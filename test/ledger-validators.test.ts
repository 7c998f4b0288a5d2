/**
 * Tendermint among real daemons on loopback, each a validator with equal stake and FALCON-1024 keys, all
 * four proofs checked on every block: the chain goes on with one of four down, halts without forking with
 * two of four down, and catches up when they return; with seven, two may be down.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logFilePath } from '../app/node/logger'
import { ensureBuilt, waitFor, type Daemon } from './support/daemon'
import {
  chainStatus,
  hashesAt,
  startValidatorNet,
  waitForHeight,
  type ValidatorNet,
} from './support/validator-net'

const live = (net: ValidatorNet): Daemon[] => net.daemons.filter((d): d is Daemon => d != null)

async function kill(net: ValidatorNet, i: number): Promise<void> {
  const daemon = net.daemons[i] as Daemon
  net.daemons[i] = null
  daemon.process.kill('SIGKILL')
  await new Promise((r) => daemon.process.once('exit', r))
}

async function tipOf(daemons: readonly Daemon[]): Promise<number> {
  return Math.max(...(await Promise.all(daemons.map(async (d) => (await chainStatus(d)).height))))
}

/** Every daemon holds the same block at each height up to `height` that it has. */
async function expectOneHistory(daemons: readonly Daemon[], height: number): Promise<void> {
  for (let h = 1; h <= height; h++) {
    const hashes = (await hashesAt(daemons, h)).filter((x) => x != null)
    expect(new Set(hashes).size, `height ${h}`).toBeLessThanOrEqual(1)
  }
}

describe('four validators', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-validators-4-'))
  let net: ValidatorNet
  beforeAll(async () => {
    ensureBuilt()
    net = await startValidatorNet(base, 4)
  }, 120_000)
  afterAll(async () => {
    await Promise.all(live(net ?? ({ daemons: [] } as unknown as ValidatorNet)).map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('agree on blocks, each proposed in turn and all four validators in the set', async () => {
    await waitForHeight(live(net), 4)
    const blocks = await live(net)[0]!.call('chain.blocks', { limit: 4, beforeHeight: 5 })
    expect(blocks.map((b) => b.height)).toEqual([4, 3, 2, 1])
    expect((await live(net)[0]!.call('chain.validators', {})).length).toBe(4)
    expect(new Set(blocks.map((b) => b.proposer)).size).toBeGreaterThan(1)
    await expectOneHistory(live(net), 4)
    for (const d of live(net)) expect((await chainStatus(d)).role).toBe('validator')
  })

  it('go on with one validator killed', async () => {
    await kill(net, 3)
    const from = await tipOf(live(net))
    await waitForHeight(live(net), from + 3)
    await expectOneHistory(live(net), from + 3)
  })

  it('halt without forking when a second is killed, and catch up when both return', async () => {
    await kill(net, 2)
    // Let whatever height was in flight settle, then watch: two of four is below a two-thirds quorum.
    await new Promise((r) => setTimeout(r, 3_000))
    const halted = await tipOf(live(net))
    await new Promise((r) => setTimeout(r, 6_000))
    expect(await tipOf(live(net))).toBeLessThanOrEqual(halted + 1)
    await expectOneHistory(live(net), halted + 1)

    await net.start(2)
    await net.start(3)
    await waitForHeight(live(net), halted + 3, 90_000)
    expect(live(net)).toHaveLength(4)
    await expectOneHistory(live(net), halted + 3)
  })
})

describe('seven validators, one of them with a plot it does not hold', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-validators-7-'))
  const CHEAT = 6
  let net: ValidatorNet
  beforeAll(async () => {
    ensureBuilt()
    net = await startValidatorNet(base, 7, { wrongPlot: [CHEAT] })
  }, 180_000)
  afterAll(async () => {
    await Promise.all(live(net ?? ({ daemons: [] } as unknown as ValidatorNet)).map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('go on with two honest validators killed, and never commit a block of the cheating one', async () => {
    await waitForHeight(live(net), 3, 90_000)
    await kill(net, 4)
    await kill(net, 5)
    const from = await tipOf(live(net))
    await waitForHeight(live(net), from + 5, 120_000)
    // The cheat's turn to propose comes round (weighted round-robin gives every validator its share);
    // its block is seen and refused for its PoSpace proof, not merely missed.
    const honestLog = logFilePath(net.dataDirs[0]!)
    await waitFor(
      'a refusal of the cheat’s block',
      () => /PoSpace/.test(readFileSync(honestLog, 'utf8')),
      150_000,
    )
    const tip = await tipOf(live(net))
    await waitForHeight(live(net), tip + 2, 60_000)
    await expectOneHistory(live(net), tip + 2)
    const cheat = await chainStatus(net.daemons[CHEAT]!)
    const blocks = await live(net)[0]!.call('chain.blocks', { limit: 100 })
    expect(blocks.length).toBeGreaterThanOrEqual(Math.min(100, tip + 2))
    expect(blocks.filter((b) => b.proposer === cheat.self.address)).toEqual([])
  })
})
