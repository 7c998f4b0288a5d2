import { describe, expect, it, vi } from 'vitest'
import { ApiError, type WalletStatus } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge, type FakeHandlers } from '../testing/fake-bridge'
import { noWallet, sampleAddresses, sampleWallet, sampleWords } from '../testing/sample-wallet'
import { expectWatchedUntilStopped, gate } from '../testing/timing'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'
import { MAX_BACKUP_BYTES, pickPositions } from './wallet-slice'

const PASS = 'a passphrase of my own'
const WRONG = 'wrong passphrase, or the wallet file was altered'

/** A node's wallet in memory: made, locked and unlocked with PASS, refusing as the real one does. */
function walletBridge(extra: FakeHandlers = {}) {
  let status: WalletStatus = noWallet
  const bridge = createFakeBridge({
    'wallet.status': () => status,
    'wallet.create': ({ passphrase }) => {
      if (status.exists) throw new ApiError('BAD_REQUEST', 'this node already keeps a wallet')
      if (passphrase.length < 8)
        throw new ApiError('BAD_REQUEST', 'a wallet passphrase has at least 8 characters')
      status = sampleWallet({ locked: false })
      return { words: sampleWords, status }
    },
    'wallet.unlock': ({ passphrase }) => {
      if (passphrase !== PASS) throw new ApiError('BAD_REQUEST', WRONG)
      return (status = { ...status, locked: false })
    },
    'wallet.lock': () => (status = { ...status, locked: true }),
    ...extra,
  })
  const store = createHyperMeshStore(createApiClient(bridge), {
    visibility: alwaysVisible,
    walletEveryMs: 10,
  })
  return { bridge, store, paramsOf: bridge.paramsOf, wallet: () => store.getState().wallet }
}

describe('making a wallet from the UI', () => {
  it('keeps the words only until three of them, asked by position, are typed back right', async () => {
    const { store, wallet } = walletBridge()
    const outcome = await store.getState().actions.createWallet(PASS)
    expect(outcome).toMatchObject({ ok: true, value: { exists: true, locked: false } })
    const fresh = wallet().fresh!
    expect(fresh.words).toEqual(sampleWords.split(' '))
    expect(fresh.confirm).toHaveLength(3)
    expect(new Set(fresh.confirm).size).toBe(3)
    expect([...fresh.confirm].sort((a, b) => a - b)).toEqual(fresh.confirm)
    for (const position of fresh.confirm) expect(position).toBeGreaterThanOrEqual(1)
    for (const position of fresh.confirm) expect(position).toBeLessThanOrEqual(24)
    expect(wallet().status).toMatchObject({ exists: true, locked: false })

    const right = fresh.confirm.map((p) => fresh.words[p - 1]!)
    const oneWrong = [...right.slice(0, 2), 'zoo']
    const refused = store.getState().actions.confirmWords(oneWrong)
    expect(refused).toEqual({
      ok: false,
      message: `word ${fresh.confirm[2]} does not match; look again at what you wrote down`,
    })
    expect(wallet().fresh).toBe(fresh)

    // Typed back in any case, with spaces around: still the words.
    expect(store.getState().actions.confirmWords(right.map((w) => ` ${w.toUpperCase()} `))).toEqual({
      ok: true,
      value: null,
    })
    expect(wallet().fresh).toBeNull()
  })

  it('says in the node’s words why a wallet was not made, and keeps no words', async () => {
    const { store, wallet } = walletBridge()
    const outcome = await store.getState().actions.createWallet('short')
    expect(outcome).toEqual({ ok: false, message: 'a wallet passphrase has at least 8 characters' })
    expect(wallet()).toMatchObject({ fresh: null, busy: null, status: null })
  })

  it('names the call running, and refuses a second one meanwhile without asking the node', async () => {
    const slow = gate<WalletStatus>()
    const { store, wallet, bridge } = walletBridge({ 'wallet.unlock': () => slow.promise })
    const unlocking = store.getState().actions.unlockWallet(PASS)
    expect(wallet().busy).toBe('unlock')
    expect(await store.getState().actions.lockWallet()).toEqual({
      ok: false,
      message: 'another wallet action is running; wait for it to finish',
    })
    expect(bridge.callsOf('wallet.lock')).toBe(0)
    slow.open(sampleWallet({ locked: false }))
    expect(await unlocking).toMatchObject({ ok: true })
    expect(wallet()).toMatchObject({ busy: null, status: { locked: false } })
  })
})

describe('unlocking and locking', () => {
  it('keeps the wallet locked after a wrong passphrase, saying why, and unlocks with the right one', async () => {
    const { store, wallet } = walletBridge()
    await store.getState().actions.createWallet(PASS)
    await store.getState().actions.lockWallet()
    expect(wallet().status?.locked).toBe(true)
    expect(await store.getState().actions.unlockWallet('not it at all')).toEqual({
      ok: false,
      message: WRONG,
    })
    expect(wallet().status?.locked).toBe(true)
    expect(await store.getState().actions.unlockWallet(PASS)).toMatchObject({ ok: true })
    expect(wallet().status?.locked).toBe(false)
  })

  it('does not let a status read that started before an unlock undo it', async () => {
    const { store, wallet, bridge } = walletBridge()
    await store.getState().actions.createWallet(PASS)
    await store.getState().actions.lockWallet()
    const read = gate<WalletStatus>()
    bridge.handle('wallet.status', () => read.promise)
    const reading = store.getState().actions.refreshWallet()
    await store.getState().actions.unlockWallet(PASS)
    expect(wallet().status?.locked).toBe(false)
    read.open(sampleWallet({ locked: true }))
    await reading
    expect(wallet().status?.locked).toBe(false)
  })

  it('reads the wallet again and again while watched, and stops when told', async () => {
    vi.useFakeTimers()
    try {
      const { store, bridge } = walletBridge()
      await expectWatchedUntilStopped(
        bridge,
        'wallet.status',
        () => store.getState().actions.watchWallet(),
        3,
      )
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('backups and restoring', () => {
  it('hands the backup over as the file the node names, its bytes decoded from base64', async () => {
    const json = '{"format":"hypermesh-wallet"}'
    const { store } = walletBridge({
      'wallet.exportBackup': () => ({ fileName: 'hypermesh-wallet-3f9a0c2e.json', data: btoa(json) }),
    })
    const outcome = await store.getState().actions.exportWalletBackup()
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.value.fileName).toBe('hypermesh-wallet-3f9a0c2e.json')
    expect(outcome.value.blob.type).toBe('application/json')
    expect(await outcome.value.blob.text()).toBe(json)
  })

  it('sends a backup file’s bytes as base64, with replace only when asked', async () => {
    const imported = sampleWallet({ locked: false })
    const { store, paramsOf, wallet } = walletBridge({ 'wallet.importBackup': () => imported })
    const bytes = new TextEncoder().encode('{"format":"hypermesh-wallet"}')
    expect(await store.getState().actions.importWalletBackup(bytes, PASS, false)).toMatchObject({ ok: true })
    await store.getState().actions.importWalletBackup(bytes, PASS, true)
    expect(paramsOf('wallet.importBackup')).toEqual([
      { data: btoa('{"format":"hypermesh-wallet"}'), passphrase: PASS },
      { data: btoa('{"format":"hypermesh-wallet"}'), passphrase: PASS, replace: true },
    ])
    expect(wallet().status).toEqual(imported)
  })

  it('refuses a file too large to be a backup without sending it', async () => {
    const { store, bridge } = walletBridge({ 'wallet.importBackup': () => sampleWallet() })
    const outcome = await store
      .getState()
      .actions.importWalletBackup(new Uint8Array(MAX_BACKUP_BYTES + 1), PASS, false)
    expect(outcome).toEqual({
      ok: false,
      message: 'this file is not a HyperMesh wallet backup (its size is wrong)',
    })
    expect(bridge.callsOf('wallet.importBackup')).toBe(0)
  })

  it('restores with replace only when asked, and shows the node’s refusal', async () => {
    const { store, paramsOf, wallet } = walletBridge({
      'wallet.restore': ({ replace }) => {
        if (replace !== true) throw new ApiError('BAD_REQUEST', 'this node already keeps a wallet')
        return sampleWallet({
          locked: false,
          accounts: [{ index: 0, address: sampleAddresses[1]!, balance: null }],
        })
      },
    })
    expect(await store.getState().actions.restoreWallet(sampleWords, PASS, false)).toEqual({
      ok: false,
      message: 'this node already keeps a wallet',
    })
    expect(wallet().status).toBeNull()
    expect(await store.getState().actions.restoreWallet(sampleWords, PASS, true)).toMatchObject({ ok: true })
    expect(wallet().status?.accounts[0]?.address).toBe(sampleAddresses[1])
    expect(paramsOf('wallet.restore')).toEqual([
      { words: sampleWords, passphrase: PASS },
      { words: sampleWords, passphrase: PASS, replace: true },
    ])
  })

  it('passes the node’s word check through as it is', async () => {
    const problem = {
      kind: 'unknown-word' as const,
      message: 'word 3, “thankq”, is not a recovery word; did you mean “thank”?',
      position: 3,
      suggestions: [{ position: 3, word: 'thank' }],
    }
    const { store } = walletBridge({ 'wallet.checkWords': () => ({ problem }) })
    expect(await store.getState().actions.checkWords('legal winner thankq')).toEqual({
      ok: true,
      value: { problem },
    })
  })
})

describe('choosing the words to type back', () => {
  it('picks distinct positions, ascending, from the random source', () => {
    const sequence = [0.99, 0, 0.5]
    let i = 0
    expect(pickPositions(3, 24, () => sequence[i++]!)).toEqual([1, 13, 24])
    expect(pickPositions(5, 3)).toEqual([1, 2, 3])
  })
})
