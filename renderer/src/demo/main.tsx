/**
 * The dashboard over sample data, without a node: `npx vite --config renderer/vite.config.ts`, then open
 * /demo.html. For eyeballing the layout; never part of the shipped build.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ApiError, type NetworkInfo } from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { App } from '../App'
import { StoreProvider } from '../store/context'
import { createHyperMeshStore } from '../store/store'
import { createFakeBridge } from '../testing/fake-bridge'
import {
  friendsNetwork,
  ownDevnet,
  SAMPLE_NOW,
  sampleHardware,
  sampleInvite,
  sampleLanOffers,
  samplePeers,
  sampleStatus,
} from '../testing/sample-data'
import { sampleDoneJob, sampleExample, sampleJob, sampleProvided } from '../testing/sample-jobs'
import { emptyBook, sampleBook, sampleMarkets, sampleMine, samplePreview } from '../testing/sample-exchange'
import { sampleAddresses, sampleWallet } from '../testing/sample-wallet'
import { sampleHistoryPage } from '../testing/sample-history'
import '../styles/index.css'

const startedAt = Date.now() - 3_723_000
let network: NetworkInfo = ownDevnet
let wallet = sampleWallet()
const params = new URLSearchParams(location.search)
const withPeers = params.get('peers') !== '0'
const shift = Date.now() - SAMPLE_NOW

const bridge = createFakeBridge({
  'node.status': () => ({ ...sampleStatus(network), startedAt, uptimeMs: Date.now() - startedAt }),
  'peers.list': () =>
    withPeers ? samplePeers.map((p) => ({ ...p, connectedAt: p.connectedAt + shift })) : [],
  'hardware.snapshot': () => ({
    ...sampleHardware,
    cpu: { ...sampleHardware.cpu, loadPercent: 15 + Math.random() * 20 },
    gpus: params.get('gpu') === '0' ? [] : sampleHardware.gpus,
  }),
  'network.invite': () => ({ invite: `hm1:${network.networkId}@/ip4/192.168.1.23/tcp/40123` }),
  'network.lanOffers': () => (params.get('lan') === '0' ? [] : sampleLanOffers),
  'network.leave': () => (network = ownDevnet),
  'network.join': async ({ invite }) => {
    await new Promise((resolve) => setTimeout(resolve, 800))
    if (invite !== sampleInvite) throw new ApiError('INVALID_INVITE', 'the text is not a HyperMesh invite')
    return (network = friendsNetwork)
  },
  'jobs.examples': () => [sampleExample],
  'jobs.list': () => [sampleJob({ jobId: '03'.repeat(32) }), sampleDoneJob()],
  'jobs.provided': () => [sampleProvided],
  'jobs.readResult': () => ({ data: btoa('1229\n'), totalBytes: 5, truncated: false }),
  'jobs.estimate': () => ({
    providersAvailable: 2,
    cheapestPricePerCoreHour: '1000000',
    worstCaseCost: '8334',
    expectedCost: '5556',
    problems: [],
  }),
  'wallet.status': () => wallet,
  'wallet.unlock': async ({ passphrase }) => {
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (passphrase.length < 8)
      throw new ApiError('BAD_REQUEST', 'wrong passphrase, or the wallet file was altered')
    return (wallet = { ...wallet, locked: false })
  },
  'wallet.lock': () => (wallet = { ...wallet, locked: true }),
  'wallet.contacts': () => [{ name: 'Ada', address: sampleAddresses[1]!, note: 'rent' }],
  'chain.history': ({ beforeHeight }) =>
    beforeHeight == null ? sampleHistoryPage() : { entries: [], nextBeforeHeight: null },
  'exchange.markets': () => sampleMarkets,
  'exchange.book': ({ market }) => (market === 'cpu' ? sampleBook() : emptyBook(market)),
  'exchange.mine': () => sampleMine(),
  'exchange.preview': () => samplePreview(),
  'exchange.place': () => ({ orderId: 'e1'.repeat(32), txId: 'f2'.repeat(32) }),
  'exchange.cancel': () => ({ txId: 'f2'.repeat(32) }),
})

const store = createHyperMeshStore(createApiClient(bridge))
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
)
