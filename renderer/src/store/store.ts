/**
 * The renderer's state, by area (connection, node, peers, hardware, network), and the actions that call the
 * node's API. Components read it through the selectors in ./selectors and never call the API themselves.
 *
 * @example
 * ```ts
 * const store = createHyperMeshStore(createApiClient(window.hypermesh))
 * const stop = store.getState().actions.start() // events + polling while the page is visible
 * await store.getState().actions.join(inviteText)
 * ```
 */
import { createStore } from 'zustand/vanilla'
import { ApiError, MAX_INVITE_LENGTH, type HyperMeshApi, type NetworkInfo } from '../../../shared/api'
import { documentVisibility, startPolling } from './polling'
import { CHAIN_POLL_MS, createChainActions, emptyChainArea } from './chain-slice'
import { createSharingActions, emptySharingArea, SHARING_POLL_MS } from './sharing-slice'
import { createFilesActions } from './files-slice'
import { createJobsActions, emptyJobsArea } from './jobs-slice'
import { createWalletActions, emptyWalletArea } from './wallet-slice'
import { createExchangeActions, emptyExchangeArea } from './exchange-slice'
import { createHistoryActions, emptyHistoryArea } from './history-slice'
import type {
  Area,
  HyperMeshActions,
  HyperMeshState,
  HyperMeshStore,
  NetworkArea,
  StoreOptions,
  UiError,
} from './types'

export type * from './types'

export const STATUS_POLL_MS = 2_000
export const HARDWARE_POLL_MS = 3_000
/** The node samples traffic once a second; the chart follows at the same pace. */
export const TRANSPORT_POLL_MS = 1_000

export function toUiError(err: unknown): UiError {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

const sameNetwork = (a: NetworkInfo | null, b: NetworkInfo): boolean =>
  a != null && a.networkId === b.networkId && a.isOwnDevnet === b.isOwnDevnet && a.name === b.name

export function createHyperMeshStore(api: HyperMeshApi, options: StoreOptions = {}): HyperMeshStore {
  const visibility = options.visibility ?? documentVisibility()
  const now = options.now ?? Date.now
  let stopRunning: (() => void) | null = null
  /** Bumped whenever the network changes, so a status read that started earlier cannot undo it. */
  let networkEpoch = 0

  return createStore<HyperMeshState>()((set, get) => {
    const setNetwork = (patch: Partial<NetworkArea>): void => set({ network: { ...get().network, ...patch } })
    const setError = (area: Area, message: string | null): void => {
      const errors = { ...get().errors }
      if (message == null) delete errors[area]
      else errors[area] = message
      set({ errors })
    }
    const authRequired = (): boolean => get().connection === 'auth-required'

    const markConnected = (): void => {
      if (get().connection !== 'connected' && !authRequired()) set({ connection: 'connected' })
    }
    const markUnauthorized = (): void => {
      stopRunning?.()
      stopRunning = null
      set({ connection: 'auth-required' })
    }
    /** Classify a failure: a refused token ends the session; a lost link shows as reconnecting. */
    const failed = (err: unknown): UiError => {
      const error = toUiError(err)
      if (error.code === 'UNAUTHORIZED') markUnauthorized()
      else if (error.code === 'DISCONNECTED' && !authRequired()) set({ connection: 'reconnecting' })
      return error
    }

    /** Run one read of an area; success marks the link up and clears the area's error. */
    const read = async <T>(area: Area, call: () => Promise<T>, apply: (value: T) => void): Promise<void> => {
      if (authRequired()) return
      try {
        const value = await call()
        if (authRequired()) return
        markConnected()
        apply(value)
        if (get().errors[area] != null) setError(area, null)
      } catch (err) {
        const error = failed(err)
        if (!authRequired()) setError(area, error.message)
      }
    }

    const afterNetworkChange = async (): Promise<void> => {
      await Promise.all([
        actions.loadInvite(),
        actions.refreshStatus(),
        actions.refreshPeers(),
        actions.loadLanOffers(),
        actions.refreshChain(),
      ])
    }
    const applyNetwork = (info: NetworkInfo): void => {
      networkEpoch++
      const changed = !sameNetwork(get().network.current, info)
      setNetwork({ current: info })
      if (changed) void afterNetworkChange()
    }

    const changeNetwork = async (
      call: () => Promise<NetworkInfo>,
      progress: Partial<NetworkArea>,
      idle: Partial<NetworkArea>,
      isJoin: boolean,
    ): Promise<boolean> => {
      const { joining, leaving } = get().network
      if (joining || leaving || authRequired()) return false
      setNetwork({ ...progress, joinError: null, joinSuccess: null })
      try {
        const info = await call()
        markConnected()
        setNetwork({ ...idle, joinSuccess: isJoin ? info : null })
        applyNetwork(info)
        return true
      } catch (err) {
        // On any error the node changes nothing, so neither does the UI: only the error is shown.
        setNetwork({ ...idle, joinError: failed(err) })
        return false
      }
    }

    const actions: HyperMeshActions = {
      ...createChainActions({ api, get, set, read, failed }),
      ...createSharingActions({ api, get, set, read, failed }),
      ...createFilesActions({ api, get, set, failed }),
      ...createJobsActions({
        api,
        get,
        set,
        read,
        failed,
        visibility,
        activeEveryMs: options.jobsActiveEveryMs,
        idleEveryMs: options.jobsIdleEveryMs,
      }),
      ...createWalletActions({ api, get, set, read, failed, visibility, everyMs: options.walletEveryMs }),
      ...createExchangeActions({ api, get, set, read, failed, visibility, everyMs: options.exchangeEveryMs }),
      ...createHistoryActions({ api, get, set, read, failed, visibility, everyMs: options.historyEveryMs }),
      start() {
        stopRunning?.()
        if (authRequired()) return () => {}
        const unsubscribe = [
          api.on('peers.changed', (peers) => {
            markConnected()
            set({ peers, peersLoaded: true })
          }),
          api.on('network.changed', (info) => {
            markConnected()
            applyNetwork(info)
          }),
          api.on('lan.offers', (lanOffers) => setNetwork({ lanOffers })),
          api.on('chain.block', (block) => {
            actions.addBlock(block)
            void actions.refreshChain()
          }),
          api.on('jobs.changed', (job) => actions.jobChanged(job)),
        ]
        const stopPolling = startPolling(
          [
            {
              everyMs: options.statusEveryMs ?? STATUS_POLL_MS,
              run: () => Promise.all([actions.refreshStatus(), actions.refreshPeers()]),
            },
            { everyMs: options.hardwareEveryMs ?? HARDWARE_POLL_MS, run: () => actions.refreshHardware() },
            { everyMs: options.transportEveryMs ?? TRANSPORT_POLL_MS, run: () => actions.refreshTransport() },
            { everyMs: options.chainEveryMs ?? CHAIN_POLL_MS, run: () => actions.refreshChain() },
            { everyMs: options.sharingEveryMs ?? SHARING_POLL_MS, run: () => actions.refreshSharing() },
          ],
          visibility,
        )
        void actions.loadInvite()
        void actions.loadLanOffers()
        const stop = (): void => {
          for (const off of unsubscribe) off()
          stopPolling()
          if (stopRunning === stop) stopRunning = null
        }
        stopRunning = stop
        return stop
      },

      refreshStatus() {
        const epoch = networkEpoch
        return read(
          'node',
          () => api.call('node.status', {}),
          (node) => {
            set({ node, nodeReceivedAt: now() })
            if (epoch !== networkEpoch) return // a join or leave happened meanwhile; this answer is older
            if (get().network.current == null) setNetwork({ current: node.network })
            else if (!sameNetwork(get().network.current, node.network)) applyNetwork(node.network)
          },
        )
      },

      refreshPeers: () =>
        read(
          'peers',
          () => api.call('peers.list', {}),
          (peers) => set({ peers, peersLoaded: true }),
        ),

      refreshHardware: () =>
        read(
          'hardware',
          () => api.call('hardware.snapshot', {}),
          (hardware) => set({ hardware }),
        ),

      refreshTransport: () =>
        read(
          'transport',
          () => api.call('transport.stats', {}),
          (transport) => set({ transport }),
        ),

      loadInvite: () =>
        read(
          'invite',
          () => api.call('network.invite', {}),
          ({ invite }) => setNetwork({ invite }),
        ),

      loadLanOffers: () =>
        read(
          'lan',
          () => api.call('network.lanOffers', {}),
          (lanOffers) => setNetwork({ lanOffers }),
        ),

      async join(text) {
        const invite = text.trim()
        if (invite === '') return false
        if (invite.length > MAX_INVITE_LENGTH) {
          setNetwork({
            joinError: { code: 'INVALID_INVITE', message: 'This text is too long to be a HyperMesh invite.' },
            joinSuccess: null,
          })
          return false
        }
        return changeNetwork(
          () => api.call('network.join', { invite }),
          { joining: true },
          { joining: false },
          true,
        )
      },

      leave: () =>
        changeNetwork(() => api.call('network.leave', {}), { leaving: true }, { leaving: false }, false),

      dismissJoinFeedback: () => setNetwork({ joinError: null, joinSuccess: null }),

      setLink(state) {
        if (state === 'unauthorized') return markUnauthorized()
        if (authRequired()) return
        const was = get().connection
        set({ connection: state })
        // Events sent while the link was down are lost: catch up at once.
        if (state === 'connected' && was === 'reconnecting' && stopRunning != null) {
          void Promise.all([afterNetworkChange(), actions.refreshHardware()])
        }
      },
    }

    return {
      connection: 'connecting',
      node: null,
      nodeReceivedAt: null,
      peers: [],
      peersLoaded: false,
      hardware: null,
      transport: null,
      network: {
        current: null,
        invite: null,
        lanOffers: [],
        joining: false,
        leaving: false,
        joinError: null,
        joinSuccess: null,
      },
      chain: emptyChainArea(),
      sharing: emptySharingArea(),
      jobs: emptyJobsArea(),
      wallet: emptyWalletArea(),
      exchange: emptyExchangeArea(),
      history: emptyHistoryArea(),
      errors: {},
      actions,
    }
  })
}
