import { describe, expect, it } from 'vitest'
import {
  ApiError,
  RESOURCE_KINDS,
  type ResourceSharingState,
  type SharingSettings,
  type SharingState,
} from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createFakeBridge } from '../testing/fake-bridge'
import { alwaysVisible } from './polling'
import { createHyperMeshStore } from './store'

const settings = (over: Partial<SharingSettings> = {}): SharingSettings => ({
  enabled: false,
  allocationPercent: 25,
  maxLeases: 4,
  windows: [],
  idleMinutes: 0,
  pauseWhenInUse: false,
  pauseAboveCelsius: null,
  memoryInUseBytes: null,
  memoryIdleBytes: null,
  diskQuotaBytes: null,
  keepFreeBytes: 0,
  uploadMbps: null,
  downloadMbps: null,
  minPricePerHour: '0',
  requiredProofs: [],
  relayThroughPeers: true,
  privacy: 'Private',
  networks: [],
  trustedPeers: [],
  ...over,
})

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const PROXY_ADDRESS = 'fd48:e4c6:c6a8:4b20:f1e0:38b7:2000:ca16'

const resource = (s: SharingSettings): ResourceSharingState => ({
  settings: s,
  activity: s.enabled ? { active: true, reason: 'sharing' } : { active: false, reason: 'not shared' },
  enforced: [],
  notEnforced: [],
  configured: { cpuCores: null, memoryBytes: null, diskBytes: null },
  measured: { cpuCores: null, memoryBytes: null, diskBytes: null },
})

function sharingBridge() {
  let current: SharingState = {
    limiter: { kind: 'duty-cycle', strength: 'supervised', passedOver: [] },
    resources: Object.fromEntries(
      RESOURCE_KINDS.map((k) => [k, resource(settings())]),
    ) as SharingState['resources'],
  }
  const bridge = createFakeBridge({
    'sharing.state': () => current,
    'assets.list': () => [],
    'sharing.update': ({ resource: kind, settings: s }) => {
      if (s.allocationPercent > 90) throw new ApiError('BAD_REQUEST', `${kind}: leave some for yourself`)
      // As the node does: a trusted peer named by a proxy address is kept as the peer it resolves to.
      const trustedPeers = s.trustedPeers.map((peer) => {
        if (!peer.toLowerCase().startsWith('fd48:')) return peer
        if (peer.toLowerCase() !== PROXY_ADDRESS) throw new ApiError('NOT_FOUND', `${peer} names no asset`)
        return PEER
      })
      const kept = { ...(s as SharingSettings), trustedPeers }
      current = { ...current, resources: { ...current.resources, [kind]: resource(kept) } }
      return current
    },
  })
  return { store: createHyperMeshStore(createApiClient(bridge), { visibility: alwaysVisible }) }
}

describe('sharing view state', () => {
  it('reads the terms, applies new ones, and shows a refusal by resource without losing the applied terms', async () => {
    const { store } = sharingBridge()
    const { actions } = store.getState()
    await actions.refreshSharing()
    expect(store.getState().sharing.state?.limiter.kind).toBe('duty-cycle')

    expect(await actions.updateSharing('cpu', settings({ enabled: true, allocationPercent: 50 }))).toBe(true)
    expect(store.getState().sharing.saved).toBe('cpu')
    expect(store.getState().sharing.state?.resources.cpu.activity.active).toBe(true)

    expect(await actions.updateSharing('cpu', settings({ enabled: true, allocationPercent: 95 }))).toBe(false)
    expect(store.getState().sharing.errors.cpu?.message).toBe('cpu: leave some for yourself')
    expect(store.getState().sharing.state?.resources.cpu.settings.allocationPercent).toBe(50)
    expect(store.getState().sharing.saving).toBeNull()
  })

  it('one save at a time', async () => {
    const { store } = sharingBridge()
    const { actions } = store.getState()
    const first = actions.updateSharing('memory', settings({ allocationPercent: 10 }))
    expect(await actions.updateSharing('cpu', settings({ allocationPercent: 10 }))).toBe(false)
    expect(await first).toBe(true)
  })

  it('a trusted peer named by a proxy address is sent as typed and shown as the peer the node resolved', async () => {
    const { store } = sharingBridge()
    const { actions } = store.getState()
    const terms = settings({ enabled: true, privacy: 'P2P', trustedPeers: [PROXY_ADDRESS.toUpperCase()] })
    expect(await actions.updateSharing('memory', terms)).toBe(true)
    expect(store.getState().sharing.state?.resources.memory.settings.trustedPeers).toEqual([PEER])
    const unknown = settings({ enabled: true, privacy: 'P2P', trustedPeers: ['fd48::1'] })
    expect(await actions.updateSharing('memory', unknown)).toBe(false)
    expect(store.getState().sharing.errors.memory?.message).toMatch(/names no asset/)
  })
})
