import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type NetworkInfo } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge, type FakeBridge } from '../testing/fake-bridge'
import {
  friendsNetwork,
  otherPeerIds,
  ownDevnet,
  sampleHardware,
  sampleInvite,
  sampleLanOffers,
  samplePeers,
  sampleStatus,
} from '../testing/sample-data'
import { alwaysVisible } from './polling'
import { selectCurrentNetwork } from './selectors'
import { createHyperMeshStore, type HyperMeshStore } from './store'

/** A node on its own devnet that answers every read; joins and leaves are set per test. */
function nodeBridge(): FakeBridge {
  let network: NetworkInfo = ownDevnet
  const bridge = createFakeBridge({
    'node.status': () => sampleStatus(network),
    'peers.list': () => [],
    'hardware.snapshot': () => sampleHardware,
    'network.invite': () => ({ invite: `invite-for-${network.name}` }),
    'network.lanOffers': () => sampleLanOffers,
    'network.leave': () => (network = ownDevnet),
  })
  bridge.handle('network.join', ({ invite }) => {
    if (invite !== sampleInvite) throw new ApiError('INVALID_INVITE', 'this is not a HyperMesh invite')
    return (network = friendsNetwork)
  })
  return bridge
}

/** Polling far apart, so a test sees only the reads it makes (and the first one of start()). */
const makeStore = (bridge: FakeBridge): HyperMeshStore =>
  createHyperMeshStore(createApiClient(bridge), {
    visibility: alwaysVisible,
    statusEveryMs: 3_600_000,
    hardwareEveryMs: 3_600_000,
  })

const until = (check: () => void) => vi.waitFor(check, { timeout: 2_000, interval: 5 })

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  vi.useRealTimers()
})

describe('join', () => {
  it('a successful join updates the network, clears the last error and reloads the invite', async () => {
    const bridge = nodeBridge()
    const store = makeStore(bridge)
    const { actions } = store.getState()
    await actions.refreshStatus()
    await actions.loadInvite()
    expect(store.getState().network.invite).toBe('invite-for-devnet-q8hs5v')

    expect(await actions.join('garbage')).toBe(false)
    expect(store.getState().network.joinError?.code).toBe('INVALID_INVITE')

    expect(await actions.join(`  ${sampleInvite}\n`)).toBe(true)
    const { network } = store.getState()
    expect(network.current).toEqual(friendsNetwork)
    expect(network.joinError).toBeNull()
    expect(network.joinSuccess).toEqual(friendsNetwork)
    expect(network.joining).toBe(false)
    // the invite now names the joined network
    await until(() => expect(store.getState().network.invite).toBe('invite-for-friends-lab'))
  })

  it('a join refused with INVALID_INVITE shows the error and leaves the network as it was', async () => {
    const store = makeStore(nodeBridge())
    const { actions } = store.getState()
    await actions.refreshStatus()
    expect(selectCurrentNetwork(store.getState())).toEqual(ownDevnet)

    expect(await actions.join('hm1:not-a-real-invite')).toBe(false)

    const { network } = store.getState()
    expect(network.joinError).toEqual({ code: 'INVALID_INVITE', message: 'this is not a HyperMesh invite' })
    expect(network.current).toEqual(ownDevnet)
    expect(network.joinSuccess).toBeNull()
    expect(network.joining).toBe(false)
  })

  it('is in progress while the node works on it, and refuses a second join meanwhile', async () => {
    const bridge = nodeBridge()
    let finish: (info: NetworkInfo) => void = () => {}
    bridge.handle('network.join', () => new Promise<NetworkInfo>((resolve) => (finish = resolve)))
    const store = makeStore(bridge)

    const first = store.getState().actions.join(sampleInvite)
    await until(() => expect(bridge.callsOf('network.join')).toBe(1))
    expect(store.getState().network.joining).toBe(true)
    expect(await store.getState().actions.join(sampleInvite)).toBe(false)
    expect(bridge.callsOf('network.join')).toBe(1)

    finish(friendsNetwork)
    expect(await first).toBe(true)
    expect(store.getState().network.joining).toBe(false)
  })

  it('an empty invite is not sent to the node', async () => {
    const bridge = nodeBridge()
    expect(await makeStore(bridge).getState().actions.join('   ')).toBe(false)
    expect(bridge.callsOf('network.join')).toBe(0)
  })

  it('a status read that started before a join cannot undo it', async () => {
    const bridge = nodeBridge()
    // the first status read is held until after the join; later ones see the joined network
    let answerFirstRead: () => void = () => {}
    bridge.handle('node.status', () =>
      bridge.callsOf('node.status') === 1
        ? new Promise((resolve) => (answerFirstRead = () => resolve(sampleStatus(ownDevnet))))
        : sampleStatus(friendsNetwork),
    )
    bridge.handle('network.join', () => friendsNetwork)
    const store = makeStore(bridge)
    const staleRead = store.getState().actions.refreshStatus()
    await until(() => expect(bridge.callsOf('node.status')).toBe(1))

    expect(await store.getState().actions.join(sampleInvite)).toBe(true)
    expect(bridge.requests.find((r) => r.method === 'network.join')?.params).toEqual({ invite: sampleInvite })

    answerFirstRead()
    await staleRead
    expect(store.getState().network.current).toEqual(friendsNetwork)
  })

  it('leave goes back to the own devnet and clears the join feedback', async () => {
    const store = makeStore(nodeBridge())
    const { actions } = store.getState()
    await actions.join(sampleInvite)
    expect(await actions.leave()).toBe(true)
    expect(store.getState().network.current).toEqual(ownDevnet)
    expect(store.getState().network.joinSuccess).toBeNull()
  })
})

describe('events', () => {
  it('peers.changed replaces the peer list at once; a malformed payload is ignored', async () => {
    const bridge = nodeBridge()
    const store = makeStore(bridge)
    stops.push(store.getState().actions.start())
    await until(() => expect(store.getState().peersLoaded).toBe(true))
    expect(store.getState().peers).toEqual([])

    bridge.emit('peers.changed', samplePeers)
    expect(store.getState().peers.map((p) => p.peerId)).toEqual([otherPeerIds[0], otherPeerIds[1]])

    bridge.emit('peers.changed', [{ peerId: 'not base58 0OIl' }] as never)
    expect(store.getState().peers).toHaveLength(2)

    bridge.emit('peers.changed', [])
    expect(store.getState().peers).toEqual([])
  })

  it('network.changed and lan.offers update the network area', async () => {
    const bridge = nodeBridge()
    const store = makeStore(bridge)
    stops.push(store.getState().actions.start())
    await until(() => expect(store.getState().network.current).toEqual(ownDevnet))

    bridge.emit('lan.offers', [])
    expect(store.getState().network.lanOffers).toEqual([])

    const invitesBefore = bridge.callsOf('network.invite')
    bridge.emit('network.changed', friendsNetwork)
    expect(store.getState().network.current).toEqual(friendsNetwork)
    await until(() => expect(bridge.callsOf('network.invite')).toBe(invitesBefore + 1))
  })

  it('stop() unsubscribes: later events change nothing', async () => {
    const bridge = nodeBridge()
    const store = makeStore(bridge)
    store.getState().actions.start()()
    bridge.emit('peers.changed', samplePeers)
    expect(store.getState().peers).toEqual([])
  })
})

describe('connection', () => {
  it('UNAUTHORIZED from any call flips to auth-required and stops all polling', async () => {
    vi.useFakeTimers()
    const bridge = nodeBridge()
    bridge.handle('node.status', () => {
      throw new ApiError('UNAUTHORIZED', 'the access token was refused')
    })
    const store = createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible })
    stops.push(store.getState().actions.start())
    await vi.advanceTimersByTimeAsync(10)

    expect(store.getState().connection).toBe('auth-required')
    const callsThen = bridge.requests.length
    await vi.advanceTimersByTimeAsync(20_000)
    expect(bridge.requests.length).toBe(callsThen)
    // and it stays so: a link that comes back does not hide a refused token
    store.getState().actions.setLink('connected')
    expect(store.getState().connection).toBe('auth-required')
  })

  it('a lost link shows as reconnecting; the next answer shows connected again', async () => {
    const bridge = nodeBridge()
    const store = makeStore(bridge)
    await store.getState().actions.refreshHardware()
    expect(store.getState().connection).toBe('connected')

    bridge.handle('peers.list', () => {
      throw new ApiError('DISCONNECTED', 'lost the connection to the node')
    })
    await store.getState().actions.refreshPeers()
    expect(store.getState().connection).toBe('reconnecting')
    expect(store.getState().errors.peers).toBe('lost the connection to the node')

    bridge.handle('peers.list', () => samplePeers)
    await store.getState().actions.refreshPeers()
    expect(store.getState().connection).toBe('connected')
    expect(store.getState().errors.peers).toBeUndefined()
    expect(store.getState().peers).toHaveLength(2)
  })
})

describe('polling', () => {
  it('polls status and peers every 2 s and hardware every 3 s, only while the page is visible', async () => {
    vi.useFakeTimers()
    let hidden = false
    const onChange = new Set<() => void>()
    const bridge = nodeBridge()
    const store = createHyperMeshStore(createApiClient(bridge), {
      visibility: {
        isHidden: () => hidden,
        subscribe: (cb) => (onChange.add(cb), () => onChange.delete(cb)),
      },
    })
    stops.push(store.getState().actions.start())
    await vi.advanceTimersByTimeAsync(6_010)
    expect(bridge.callsOf('node.status')).toBe(4) // at 0, 2, 4, 6 s
    expect(bridge.callsOf('peers.list')).toBe(4)
    expect(bridge.callsOf('hardware.snapshot')).toBe(3) // at 0, 3, 6 s

    hidden = true
    for (const cb of onChange) cb()
    const whileHidden = bridge.requests.length
    await vi.advanceTimersByTimeAsync(60_000)
    expect(bridge.requests.length).toBe(whileHidden)

    hidden = false
    for (const cb of onChange) cb()
    await vi.advanceTimersByTimeAsync(10)
    expect(bridge.callsOf('node.status')).toBe(5) // caught up at once on becoming visible
    expect(bridge.callsOf('hardware.snapshot')).toBe(4)
  })
})
