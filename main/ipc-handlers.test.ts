import { describe, expect, it } from 'vitest'
import { createApiDispatcher, type ApiHandlers } from '../app/node/api/dispatcher'
import type { NetworkInfo, RpcEvent } from '../shared/api'
import { APP_URL, isAppUrl } from './app-url'
import { createEventForwarder, createIpcCallHandler, type CallEvent } from './ipc-handlers'

const PEER_ID = '12D3KooWRBhwfeP2Y7TCx1SMRBJ4Y1xYZWZnpYfAqZGS4RjXqUkz'
const NETWORK: NetworkInfo = {
  networkId: 'a'.repeat(64),
  name: 'My HyperMesh devnet',
  isOwnDevnet: true,
  joinedAt: 1_700_000_000_000,
}

const unused = async (): Promise<never> => {
  throw new Error('not used by this test')
}

/** Small real handlers: the dispatcher checks their answers against the contract, as in the node. */
const handlers: ApiHandlers = {
  'node.status': async () => ({
    peerId: PEER_ID,
    falconFingerprint: '00112233445566778899aabbccddeeff',
    network: NETWORK,
    listenAddresses: ['/ip4/127.0.0.1/tcp/4001'],
    startedAt: 1_700_000_000_000,
    uptimeMs: 1234,
    version: '0.1.0',
    mode: 'desktop',
    transport: { name: 'STOQ', postQuantum: true },
  }),
  'peers.list': async () => [],
  'transport.stats': unused,
  'hardware.snapshot': unused,
  'network.invite': async () => ({ invite: 'hypermesh-invite-v1:test' }),
  'network.join': unused,
  'network.leave': async () => NETWORK,
  'network.lanOffers': async () => [],
  'chain.status': async () => ({ available: false, reason: 'no chain in this test' }),
  'chain.blocks': unused,
  'chain.validators': unused,
  'chain.account': unused,
  'chain.job': unused,
  'chain.transfer': unused,
  'chain.submitTx': unused,
  'chain.stake': unused,
  'chain.unstake': unused,
  'chain.joinValidators': unused,
  'chain.leaveValidators': unused,
  'chain.verifyBlock': unused,
  'sharing.state': unused,
  'sharing.update': unused,
  'assets.list': unused,
  'rewards.status': unused,
  'wallet.status': unused,
  'wallet.create': unused,
  'wallet.restore': unused,
  'wallet.checkWords': unused,
  'wallet.unlock': unused,
  'wallet.lock': unused,
  'wallet.changePassphrase': unused,
  'wallet.addAccount': unused,
  'wallet.exportBackup': unused,
  'wallet.importBackup': unused,
  'wallet.previewSend': unused,
  'wallet.send': unused,
  'wallet.contacts': unused,
  'wallet.saveContact': unused,
  'wallet.removeContact': unused,
  'chain.history': unused,
  'chain.setPayout': unused,
  'exchange.takeDelivery': unused,
  'exchange.offerShare': unused,
  'exchange.markets': unused,
  'exchange.book': unused,
  'exchange.preview': unused,
  'exchange.place': unused,
  'exchange.cancel': unused,
  'exchange.mine': unused,
  'files.beginUpload': unused,
  'files.uploadChunk': unused,
  'files.finishUpload': unused,
  'files.cancelUpload': unused,
  'files.list': unused,
  'files.fetch': unused,
  'files.readChunk': unused,
  'files.check': unused,
  'files.remove': unused,
  'assets.issueLease': unused,
  'assets.register': unused,
  'assets.discover': unused,
  'assets.resolve': unused,
  'assets.probeLease': unused,
  'jobs.examples': unused,
  'jobs.beginUpload': unused,
  'jobs.uploadChunk': unused,
  'jobs.estimate': unused,
  'jobs.submit': unused,
  'jobs.list': unused,
  'jobs.get': unused,
  'jobs.cancel': unused,
  'jobs.readResult': unused,
  'jobs.provided': unused,
  'gpu.status': unused,
  'gpu.attach': unused,
  'gpu.detach': unused,
  'gpu.poll': unused,
  'gpu.readTask': unused,
  'gpu.output': unused,
  'gpu.finish': unused,
}

const silentLog = { warn: () => {}, error: () => {} }
const fromFrame = (url: string): CallEvent => ({ senderFrame: { url } })

function setup() {
  const dispatcher = createApiDispatcher(handlers, silentLog)
  const handle = createIpcCallHandler({ dispatcher, isTrustedSender: (url) => isAppUrl(url, APP_URL) })
  return { dispatcher, handle }
}

describe('createIpcCallHandler', () => {
  it('refuses a call from a foreign frame with UNAUTHORIZED, without calling the node', async () => {
    const { handle } = setup()
    for (const url of [
      'https://evil.example/',
      'file:///tmp/other.html',
      // The page itself from file://, as the app was served before: no longer the app.
      'file:///opt/HyperMesh/resources/app.asar/dist/renderer/index.html',
      'hypermesh://other/index.html',
      'about:blank',
      'data:text/html,x',
    ]) {
      const response = await handle(fromFrame(url), { id: 7, method: 'node.status', params: {} })
      expect(response).toEqual({
        id: 7,
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'calls are accepted only from the HyperMesh window' },
      })
    }
  })

  it('refuses a call whose sender frame is gone', async () => {
    const { handle } = setup()
    const response = await handle({ senderFrame: null }, { id: 3, method: 'node.status', params: {} })
    expect(response.ok).toBe(false)
    expect(!response.ok && response.error.code).toBe('UNAUTHORIZED')
  })

  it('passes a valid call from the app window to the dispatcher and returns its answer', async () => {
    const { handle } = setup()
    const response = await handle(fromFrame(`${APP_URL}#/peers`), {
      id: 42,
      method: 'node.status',
      params: {},
    })
    expect(response.ok).toBe(true)
    expect(response.id).toBe(42)
    expect(response.ok && (response.result as { peerId: string }).peerId).toBe(PEER_ID)

    const invite = await handle(fromFrame(APP_URL), { id: 43, method: 'network.invite', params: {} })
    expect(invite).toEqual({ id: 43, ok: true, result: { invite: 'hypermesh-invite-v1:test' } })
  })

  it('answers a malformed request from the app window with BAD_REQUEST from the dispatcher', async () => {
    const { handle } = setup()
    const noMethod = await handle(fromFrame(APP_URL), { id: 5, params: {} })
    expect(noMethod.id).toBe(5)
    expect(!noMethod.ok && noMethod.error.code).toBe('BAD_REQUEST')

    const notAnObject = await handle(fromFrame(APP_URL), 'node.status')
    expect(!notAnObject.ok && notAnObject.error.code).toBe('BAD_REQUEST')

    const badParams = await handle(fromFrame(APP_URL), { id: 6, method: 'node.status', params: { extra: 1 } })
    expect(!badParams.ok && badParams.error.code).toBe('BAD_REQUEST')

    const unknown = await handle(fromFrame(APP_URL), { id: 8, method: 'shell.exec', params: {} })
    expect(!unknown.ok && unknown.error.code).toBe('UNKNOWN_METHOD')
  })
})

describe('createEventForwarder', () => {
  it('forwards node events to the window until stopped', () => {
    const { dispatcher } = setup()
    const sent: RpcEvent[] = []
    const stop = createEventForwarder(dispatcher, (event) => sent.push(event))

    dispatcher.emit('network.changed', NETWORK)
    expect(sent).toEqual([{ event: 'network.changed', payload: NETWORK }])

    stop()
    dispatcher.emit('peers.changed', [])
    expect(sent).toHaveLength(1)
  })

  it('survives a send that throws (the window is closing)', () => {
    const { dispatcher } = setup()
    const sent: RpcEvent[] = []
    createEventForwarder(dispatcher, () => {
      throw new Error('Object has been destroyed')
    })
    createEventForwarder(dispatcher, (event) => sent.push(event))
    dispatcher.emit('peers.changed', [])
    expect(sent).toEqual([{ event: 'peers.changed', payload: [] }])
  })
})
