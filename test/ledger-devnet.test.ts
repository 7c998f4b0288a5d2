/**
 * The ledger in real daemons: a new node's devnet is a one-validator chain that makes blocks on its own,
 * takes transfers signed with the node's FALCON-1024 key, refuses bad ones with a reason, replays to the
 * same chain after a restart, and is synced and verified by a node that joins it. A transfer it answered
 * as pending is not lost when the node is killed before a block carries it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChainStatus } from '../shared/api'
import { logFilePath } from '../app/node/logger'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

type Available = Extract<ChainStatus, { available: true }>

async function chainOf(d: Daemon): Promise<Available> {
  const status = await d.call('chain.status', {})
  if (!status.available) throw new Error(`no chain: ${status.reason}`)
  return status
}

const RECIPIENT = '11'.repeat(20)

describe('the devnet ledger', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-ledger-'))
  const daemons: Daemon[] = []
  let a: Daemon
  beforeAll(async () => {
    ensureBuilt()
    a = await startDaemon(join(base, 'a'))
    daemons.push(a)
  })
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('is a one-validator chain that commits its first block on its own', async () => {
    await waitFor('block 1', async () => (await chainOf(a)).height >= 1)
    const status = await chainOf(a)
    expect(status.role).toBe('validator')
    expect(status.validators).toBe(1)
    expect(status.scheme).toBe('falcon-1024')
    expect(BigInt(status.self.balance)).toBeGreaterThan(0n)
    expect(BigInt(status.self.bonded)).toBeGreaterThan(0n)
    const [validator] = await a.call('chain.validators', {})
    expect(validator).toMatchObject({ address: status.self.address, isSelf: true, share: 1, jailed: false })
    const [block] = await a.call('chain.blocks', { limit: 5 })
    expect(block).toMatchObject({ height: status.height, proposer: status.self.address })
    expect(block!.proofs.time.squarings).toBeGreaterThan(0)
    expect(block!.proofs.space.challenges).toBeGreaterThan(0)
    const check = await a.call('chain.verifyBlock', { height: 1 })
    expect(check).toMatchObject({ height: 1, ok: true, failure: null })
    // PoTime is proven ahead on the worker thread, not inline on the node's event loop.
    const log = readFileSync(logFilePath(a.dataDir), 'utf8')
    expect(log).not.toMatch(/proving inline|blocks prove PoTime inline/)
  })

  it('commits a transfer within seconds, although idle blocks are 30 s apart', async () => {
    const before = await chainOf(a)
    const started = Date.now()
    const receipt = await a.call('chain.transfer', { to: RECIPIENT, amount: '2500000' })
    expect(receipt.nonce).toBe(before.self.nonce)
    await waitFor('the recipient to be paid', async () => {
      return (await a.call('chain.account', { address: RECIPIENT })).balance === '2500000'
    })
    expect(Date.now() - started).toBeLessThan(15_000)
    const after = await chainOf(a)
    // The fee goes to the block's proposer, which on a one-validator devnet is the sender itself.
    expect(BigInt(after.self.balance)).toBe(BigInt(before.self.balance) - 2_500_000n)
    expect(after.self.nonce).toBe(before.self.nonce + 1)
    const blocks = await a.call('chain.blocks', { limit: 10 })
    expect(blocks.some((b) => b.txCount === 1)).toBe(true)
  })

  it('refuses bad transfers with a reason and changes nothing', async () => {
    const before = await chainOf(a)
    const refusals = [
      [{ to: RECIPIENT, amount: '1' + '0'.repeat(25) }, /the transaction needs/],
      [{ to: RECIPIENT, amount: '5', fee: '1' }, /below the minimum/],
      [{ to: before.self.address, amount: '5' }, /own address/],
      [{ to: 'not-an-address', amount: '5' }, /40 hex/],
      [{ to: RECIPIENT, amount: '0' }, /more than 0/],
      [{ to: RECIPIENT, amount: '-5' }, /whole number/],
    ] as const
    for (const [params, reason] of refusals) {
      const response = await a.callRaw('chain.transfer', params)
      expect(response.ok).toBe(false)
      if (!response.ok) expect(response.error.message).toMatch(reason)
    }
    const after = await chainOf(a)
    expect(after.self.balance).toBe(before.self.balance)
    expect(after.pendingTxs).toBe(0)
  })

  it('a node that joins the devnet syncs its blocks, verifying each, and sees the same chain', async () => {
    const b = await startDaemon(join(base, 'b'))
    daemons.push(b)
    const { invite } = await a.call('network.invite', {})
    await b.call('network.join', { invite })
    const tip = await chainOf(a)
    await waitFor('B to reach A’s height', async () => (await chainOf(b)).height >= tip.height)
    const statusB = await chainOf(b)
    expect(statusB.role).toBe('observer')
    expect(statusB.chainId).toBe(tip.chainId)
    const [atA] = await a.call('chain.blocks', { limit: 1, beforeHeight: tip.height + 1 })
    const [atB] = await b.call('chain.blocks', { limit: 1, beforeHeight: tip.height + 1 })
    expect(atB).toEqual(atA)
    expect((await b.call('chain.account', { address: RECIPIENT })).balance).toBe('2500000')
  })

  it('after a restart replays its stored chain to the same tip and goes on', async () => {
    const before = await chainOf(a)
    await a.stop()
    daemons.splice(daemons.indexOf(a), 1)
    a = await startDaemon(join(base, 'a'))
    daemons.push(a)
    const after = await chainOf(a)
    expect(after.height).toBeGreaterThanOrEqual(before.height)
    const [same] = await a.call('chain.blocks', { limit: 1, beforeHeight: before.height + 1 })
    expect(same!.hash).toBe(before.lastBlockHash)
    expect((await a.call('chain.account', { address: RECIPIENT })).balance).toBe('2500000')
    await a.call('chain.transfer', { to: RECIPIENT, amount: '1' })
    await waitFor('the second transfer', async () => {
      return (await a.call('chain.account', { address: RECIPIENT })).balance === '2500001'
    })
  })

  it('a transfer answered as pending survives a kill -9 before its block, and is committed after the restart', async () => {
    const other = '22'.repeat(20)
    const receipt = await a.call('chain.transfer', { to: other, amount: '7' })
    expect(receipt.status).toBe('pending')
    // Killed at once: blocks take a VDF and a round of votes, so none has carried the transfer yet.
    await new Promise((resolve) => {
      a.process.once('exit', resolve)
      a.process.kill('SIGKILL')
    })
    daemons.splice(daemons.indexOf(a), 1)
    a = await startDaemon(join(base, 'a'))
    daemons.push(a)
    const replays = readFileSync(logFilePath(a.dataDir), 'utf8')
      .split('\n')
      .filter((line) => line.includes('ledger replayed from the block store'))
    const replayedTo = (JSON.parse(replays.at(-1)!) as { height: number }).height
    await waitFor('the transfer, submitted again', async () => {
      return (await a.call('chain.account', { address: other })).balance === '7'
    })
    const own = (await chainOf(a)).ownTxs.find((tx) => tx.txId === receipt.txId)
    expect(own).toMatchObject({ status: 'committed', kind: 'transfer', reason: null })
    // Committed by a block made after the restart: the node submitted it again.
    expect(own!.height).toBeGreaterThan(replayedTo)
  })
})
