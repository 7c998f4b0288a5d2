/**
 * The sharing view's part of the store: each resource's terms, what the node enforces of them, and live
 * use against the limits (polled every two seconds), and saving new terms for one resource.
 */
import type { ResourceKind, SharingSettings } from '../../../shared/api'
import { outcomeOf, type SliceParts } from './slice'
import type { SharingActions, SharingArea } from './types'

export const SHARING_POLL_MS = 2_000

export const emptySharingArea = (): SharingArea => ({
  state: null,
  assets: [],
  discovered: [],
  registering: null,
  registerResult: null,
  saving: null,
  errors: {},
  saved: null,
  rewards: null,
  files: [],
  fileTransfer: null,
})

export function createSharingActions({ api, get, set, read, failed }: SliceParts<'sharing'>): SharingActions {
  const setSharing = (patch: Partial<SharingArea>): void => set({ sharing: { ...get().sharing, ...patch } })
  return {
    refreshSharing: () =>
      read(
        'sharing',
        () =>
          Promise.all([
            api.call('sharing.state', {}),
            api.call('assets.list', {}),
            // A network without a ledger has nothing registered, and pays nothing.
            api.call('assets.discover', {}).catch(() => []),
            api.call('rewards.status', {}).catch(() => null),
            api.call('files.list', {}).catch(() => get().sharing.files),
          ]),
        ([state, assets, discovered, rewards, files]) =>
          setSharing({ state, assets, discovered, rewards, files }),
      ),

    async registerAsset(resource: ResourceKind) {
      if (get().sharing.registering != null) return false
      setSharing({ registering: resource, registerResult: null })
      try {
        const receipt = await api.call('assets.register', { resource })
        setSharing({
          registering: null,
          registerResult: {
            resource,
            ok: true,
            message: `submitted (transaction ${receipt.txId.slice(0, 10)}…); it is listed once in a block`,
          },
        })
        return true
      } catch (err) {
        setSharing({
          registering: null,
          registerResult: { resource, ok: false, message: failed(err).message },
        })
        return false
      }
    },

    issueLease: (request) => outcomeOf(() => api.call('assets.issueLease', request), failed),

    probeLease: (request) => outcomeOf(() => api.call('assets.probeLease', request), failed),

    discoverFrom: (from) => outcomeOf(() => api.call('assets.discover', { from }), failed),

    async updateSharing(resource: ResourceKind, settings: SharingSettings) {
      if (get().sharing.saving != null) return false
      setSharing({
        saving: resource,
        saved: null,
        errors: { ...get().sharing.errors, [resource]: undefined },
      })
      try {
        // A trusted peer may be named by the proxy address of one of its assets: the node resolves it.
        const state = await api.call('sharing.update', { resource, settings })
        setSharing({ state, saving: null, saved: resource })
        return true
      } catch (err) {
        setSharing({ saving: null, errors: { ...get().sharing.errors, [resource]: failed(err) } })
        return false
      }
    },
  }
}
