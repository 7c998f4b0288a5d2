/**
 * Sending from the wallet and its address book, through the store against the real client code: the
 * preview and the send go to the node as typed; the book follows what the node answers, and a read that
 * started before a change cannot undo it; a book that cannot be read never hides the wallet.
 */
import { describe, expect, it } from 'vitest'
import { ApiError, type Contact } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge, type FakeHandlers } from '../testing/fake-bridge'
import { sampleAddresses, sampleWallet } from '../testing/sample-wallet'
import { gate } from '../testing/timing'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'

const [MINE, THEIRS] = sampleAddresses as [string, string]
const ALICE: Contact = { name: 'Alice', address: THEIRS }

/** A node with an unlocked wallet and an address book in memory, answering as the real one does. */
function payBridge(extra: FakeHandlers = {}) {
  let book: Contact[] = []
  const bridge = createFakeBridge({
    'wallet.status': () => sampleWallet({ locked: false }),
    'wallet.contacts': () => book,
    'wallet.saveContact': (contact) =>
      (book = [...book.filter((c) => c.address !== contact.address), contact]),
    'wallet.removeContact': ({ address }) => {
      if (!book.some((c) => c.address === address))
        throw new ApiError('NOT_FOUND', `no contact in the address book has the address ${address}`)
      return (book = book.filter((c) => c.address !== address))
    },
    ...extra,
  })
  const store = createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible })
  return {
    bridge,
    store,
    paramsOf: bridge.paramsOf,
    actions: () => store.getState().actions,
    wallet: () => store.getState().wallet,
  }
}

describe('sending from the wallet', () => {
  const request = { from: MINE, to: THEIRS, amount: '1500000' }

  it('asks the node what the transfer would do, and passes its problems on as they are', async () => {
    const preview = {
      fee: '10',
      balance: '1000000',
      balanceAfter: null,
      problems: ['this account holds 1 CAESAR; … 0.50001 CAESAR short'],
    }
    const { actions, paramsOf, wallet } = payBridge({ 'wallet.previewSend': () => preview })
    expect(await actions().previewWalletSend(request)).toEqual({ ok: true, value: preview })
    expect(paramsOf('wallet.previewSend')).toEqual([request])
    expect(wallet().busy).toBeNull()
  })

  it('sends as reviewed, and says in the node’s words why a send was refused', async () => {
    const receipt = { txId: 'ab'.repeat(32), nonce: 0, status: 'pending' as const, balanceAfter: '11000000' }
    const { actions, paramsOf, bridge } = payBridge({ 'wallet.send': () => receipt })
    expect(await actions().sendFromWallet({ ...request, fee: '20' })).toEqual({ ok: true, value: receipt })
    expect(paramsOf('wallet.send')).toEqual([{ ...request, fee: '20' }])

    bridge.handle('wallet.send', () => {
      throw new ApiError('BAD_REQUEST', 'the wallet is locked; unlock it with its passphrase first')
    })
    expect(await actions().sendFromWallet(request)).toEqual({
      ok: false,
      message: 'the wallet is locked; unlock it with its passphrase first',
    })
  })

  it('sends nothing while another wallet call runs', async () => {
    const slow = gate<ReturnType<typeof sampleWallet>>()
    const { actions, bridge } = payBridge({ 'wallet.lock': () => slow.promise })
    const locking = actions().lockWallet()
    expect(await actions().sendFromWallet(request)).toMatchObject({ ok: false })
    expect(bridge.callsOf('wallet.send')).toBe(0)
    slow.open(sampleWallet())
    await locking
  })
})

describe('the address book', () => {
  it('is read from the node, and follows each save and removal', async () => {
    const { actions, wallet } = payBridge()
    expect(wallet().contacts).toBeNull()
    await actions().refreshWalletContacts()
    expect(wallet().contacts).toEqual([])
    expect(await actions().saveWalletContact(ALICE)).toEqual({ ok: true, value: [ALICE] })
    expect(wallet().contacts).toEqual([ALICE])
    expect(await actions().removeWalletContact(THEIRS)).toEqual({ ok: true, value: [] })
    expect(wallet().contacts).toEqual([])
  })

  it('keeps the book as it was when the node refuses a change, and says why', async () => {
    const { actions, wallet } = payBridge({
      'wallet.saveContact': () => {
        throw new ApiError('BAD_REQUEST', 'the address book is full (500 contacts); remove one first')
      },
    })
    await actions().refreshWalletContacts()
    expect(await actions().saveWalletContact(ALICE)).toEqual({
      ok: false,
      message: 'the address book is full (500 contacts); remove one first',
    })
    expect(await actions().removeWalletContact(THEIRS)).toEqual({
      ok: false,
      message: `no contact in the address book has the address ${THEIRS}`,
    })
    expect(wallet().contacts).toEqual([])
  })

  it('does not let a read that started before a save bring back the book as it was', async () => {
    const { actions, wallet, bridge } = payBridge()
    const read = gate<Contact[]>()
    bridge.handle('wallet.contacts', () => read.promise)
    const reading = actions().refreshWalletContacts()
    await actions().saveWalletContact(ALICE)
    read.open([])
    await reading
    expect(wallet().contacts).toEqual([ALICE])
  })

  it('says when the book cannot be read, without marking the wallet unreadable', async () => {
    const { actions, wallet, store } = payBridge({
      'wallet.contacts': () => {
        throw new ApiError('BAD_REQUEST', 'this node’s address book file cannot be read')
      },
    })
    await actions().refreshWallet()
    await actions().refreshWalletContacts()
    expect(wallet().contactsError).toBe('this node’s address book file cannot be read')
    expect(store.getState().errors.wallet).toBeFalsy()
    expect(wallet().status).toMatchObject({ exists: true })
  })
})
