/**
 * The wallet through a daemon's API (issue 19): made on A, with its words shown once and a file on disk
 * that holds neither the words nor a key in the clear (0600); locked again after a restart; a wrong
 * passphrase refused; its backup imported by B, and its words restored on C, to the same accounts; then
 * funded by A's node and spent from, signed with the wallet's own key, with the balance after as previewed.
 * The address book: bad input refused, a contact kept across the restart, then removed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const PASS = 'a passphrase of my own'

describe('the wallet through the API', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-wallet-'))
  const nodes: Daemon[] = []

  beforeAll(async () => {
    ensureBuilt()
    for (const name of ['a', 'b', 'c']) nodes.push(await startDaemon(join(base, name)))
  }, 180_000)

  afterAll(async () => {
    await Promise.all(nodes.map((d) => d.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  it('is made, kept sealed, locked after a restart, and carried to other nodes by backup and by words', async () => {
    const [a, b, c] = nodes as [Daemon, Daemon, Daemon]
    expect(await a.call('wallet.status', {})).toMatchObject({ exists: false, accounts: [] })
    const { words, status } = await a.call('wallet.create', { passphrase: PASS })
    expect(words.split(' ')).toHaveLength(24)
    expect(status).toMatchObject({ exists: true, locked: false })
    const addresses = status.accounts.map((account) => account.address)

    const path = join(a.dataDir, 'wallet.json')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const onDisk = readFileSync(path, 'utf8')
    expect(onDisk).toContain(addresses[0])
    for (const word of new Set(words.split(' '))) expect(onDisk).not.toMatch(new RegExp(`\\b${word}\\b`))

    const second = await a.callRaw('wallet.create', { passphrase: PASS })
    expect(second).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })

    const bob = { name: 'Bob', address: 'b0'.repeat(20) }
    expect(await a.call('wallet.saveContact', { ...bob, name: '  Bob ' })).toEqual([bob])
    expect(await a.callRaw('wallet.saveContact', { name: 'Eve', address: 'not an address' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('an address is 40 hex characters') },
    })
    expect(statSync(join(a.dataDir, 'address-book.json')).mode & 0o777).toBe(0o600)

    // A restart: the wallet is there, locked, with its accounts listed; the address book as it was.
    await a.stop()
    const restarted = await startDaemon(a.dataDir)
    nodes[0] = restarted
    expect(await restarted.call('wallet.status', {})).toMatchObject({ exists: true, locked: true })
    expect(await restarted.call('wallet.contacts', {})).toEqual([bob])
    expect(await restarted.call('wallet.removeContact', { address: bob.address })).toEqual([])
    expect(await restarted.callRaw('wallet.removeContact', { address: bob.address })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await restarted.callRaw('wallet.unlock', { passphrase: 'not my passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'wrong passphrase, or the wallet file was altered' },
    })
    expect((await restarted.call('wallet.unlock', { passphrase: PASS })).locked).toBe(false)

    const backup = await restarted.call('wallet.exportBackup', {})
    const imported = await b.call('wallet.importBackup', { data: backup.data, passphrase: PASS })
    expect(imported.accounts.map((account) => account.address)).toEqual(addresses)

    const typo = words.split(' ')
    typo[2] = `${typo[2]}q`
    expect(await c.callRaw('wallet.restore', { words: typo.join(' '), passphrase: PASS })).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^word 3, “\w+q”, is not a recovery word/),
      },
    })
    const restored = await c.call('wallet.restore', { words, passphrase: 'another passphrase' })
    expect(restored.accounts.map((account) => account.address)).toEqual(addresses)

    // Paid into, and spent from: A's node funds the wallet's account on its devnet, and the wallet sends.
    const chain = await restarted.call('chain.status', {})
    if (!chain.available) throw new Error(chain.reason)
    const nodeAddress = chain.self.address
    const from = addresses[0]!
    await restarted.call('chain.transfer', { to: from, amount: '2000000' })
    const balanceOf = async (): Promise<string | null> =>
      (await restarted.call('wallet.status', {})).accounts[0]!.balance
    await waitFor('the wallet to be funded', async () => (await balanceOf()) === '2000000', 60_000)
    const tooMuch = await restarted.callRaw('wallet.send', { from, to: nodeAddress, amount: '2000000' })
    expect(tooMuch).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/short$/) },
    })
    const preview = await restarted.call('wallet.previewSend', { from, to: nodeAddress, amount: '500000' })
    expect(preview.problems).toEqual([])
    const sent = await restarted.call('wallet.send', { from, to: nodeAddress, amount: '500000' })
    expect(sent).toMatchObject({ status: 'pending', balanceAfter: preview.balanceAfter })
    await waitFor(
      'the transfer to be committed',
      async () => (await balanceOf()) === preview.balanceAfter,
      60_000,
    )

    // The node's earnings go to the wallet's account from now on, and back to itself; the same twice is refused.
    await restarted.call('chain.setPayout', { to: from })
    const payoutOf = async () => (await restarted.call('chain.account', { address: nodeAddress })).payoutTo
    await waitFor('the payout account to be set', async () => (await payoutOf()) === from, 60_000)
    expect(await restarted.callRaw('chain.setPayout', { to: from })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/already paid to/) },
    })
    await restarted.call('chain.setPayout', { to: nodeAddress })
    await waitFor('the payout account to be cleared', async () => (await payoutOf()) === undefined, 60_000)
  }, 240_000)
})
