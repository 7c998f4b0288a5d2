/**
 * The composition root. Creation loads everything that must exist before the node can be described
 * (lock, config, identity, database, devnet); start() brings up the network; stop() undoes start and
 * releases the data dir. Every part is created here and handed to the others as named components.
 */
import type { DatabaseSync } from 'node:sqlite'
import { hostname } from 'node:os'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { version } from '../../package.json'
import {
  cancelAddressUpdatesOnStop,
  createConnectionLimiter,
  createStoqMetrics,
  fixQuadraticGetConnections,
  type FalconSigner,
  startLinkTuner,
  stoqTransportProfile,
  type LinkTuner,
  type StoqMetrics,
  type TransportProfile,
} from '../stoq'
import {
  ActiveLedger,
  addressOf,
  createDevnetGenesis,
  DEVNET_PARAMS,
  falcon1024Scheme,
  loadOrCreatePlot,
  type SignedPeerBinding,
  type ValidatorCandidate,
} from '../consensus'
import {
  AssetService,
  createHardwareAdapters,
  detectGpuControls,
  detectLimiter,
  FileService,
  peerStakes,
  SharingService,
  StakedRelays,
} from '../assets'
import { AddressBook, ExchangeService, RewardsService, WalletService } from '../caesar'
import { createJobEngine, JobsService, withGpuJobs, type JobEngine } from '../jobs'
import { assetPeers, jobsLedgerView, providerTerms } from './jobs-wiring'
import { addressBookFile, walletFile, walletLedger } from './wallet-wiring'
import { exchangeLedger, exchangeWallet } from './exchange-wiring'
import { composeGpuJobs } from './gpu-wiring'
import type { HyperMeshNode, HyperMeshNodeInit } from './hypermesh-node'
import { createApiDispatcher } from './api/dispatcher'
import { loadConfig, rememberListenPorts, type NodeConfig } from './config'
import { acquireDataDirLock, prepareDataDir, type DataDirLock } from './data-dir'
import { loadOrCreateIdentity, type NodeIdentity } from './identity/identity'
import { defaultKeyProtector } from './identity/protectors'
import { loadOrCreateWebRTCCertificate, type WebRTCCertificate } from './identity/webrtc-certificate'
import { startInOrder, type NodeService, type StartedServices, type StartOptions } from './lifecycle'
import { createLogger, logFilePath, type Logger } from './logger'
import { choosePort, listenerKindOf, type ListenerKind } from './ports'
import { createApiHandlers, type RunningParts } from './service'
import { buildLibp2pOptions } from './libp2p-options'
import { databasePath, openDatabase } from './storage/database'
import { NetworkManager } from './network/network-manager'
import { NetworkStore, type StoredNetwork } from './network/network-store'
import { inviteKey } from './network/invite-token'
import { PeerKeyBook } from './network/peer-key-book'
import { trustRoots, type RootKey } from './network/trust-roots'
import { ownPeerBinding, peerBindingKeeper } from './identity/peer-binding'
import {
  falconWorkerSigner,
  startSignatureWorkers,
  txVerifierThreads,
  type SignatureWorkers,
} from './workers/signature-workers'

type NodeLibp2p = Libp2p<{ identify: Identify; ping: Ping }>

/** What exists while the node runs: the parts the API serves from, and the services to stop. */
interface Running extends RunningParts {
  libp2p: NodeLibp2p
  nat: NatSettings
  services: StartedServices
}

type NatSettings = ReturnType<typeof buildLibp2pOptions>['nat']

/** The active validators of the active ledger: roots that may admit members. */
function activeValidators(ledger: ActiveLedger): RootKey[] {
  const state = ledger.current()?.chain.state
  if (state == null) return []
  return [...state.validators.values()]
    .filter((v) => v.active && !v.jailed)
    .map((v) => ({ peerId: v.peerId, publicKey: v.publicKey }))
}

/** The one FALCON key a network's genesis names for `peer` (as creator or validator), if it names one. */
function genesisKeyOf(network: StoredNetwork, peer: string): string | undefined {
  const keys = trustRoots(network.genesis).keysOf(peer)
  return keys.length === 1 ? keys[0] : undefined
}

/** The network the node was on when it stopped (its own devnet at first start). */
function activeNetwork(store: NetworkStore): StoredNetwork {
  const active = store.getNetwork(store.activeNetworkId() ?? '')
  if (active == null) throw new Error('no active network is on record')
  return active
}

export async function createHyperMeshNode(init: HyperMeshNodeInit): Promise<HyperMeshNode> {
  const dataDir = prepareDataDir(init.dataDir)
  const lock = acquireDataDirLock(dataDir)
  let db: DatabaseSync | undefined
  let signatureWorkers: SignatureWorkers | null = null
  try {
    const config = loadConfig(dataDir, init.config)
    const log = createLogger({ dataDir, level: config.logLevel, toConsole: init.logToConsole })
    // A host-given protector (the OS keychain) is preferred; keys sealed earlier by the default one still open.
    const preferred = init.keyProtector ?? defaultKeyProtector()
    const fallbacks = init.keyProtector == null ? [] : [defaultKeyProtector()]
    const { identity, created, resealed } = await loadOrCreateIdentity(dataDir, preferred, fallbacks)
    log.info(
      { peerId: identity.peerId.toString(), created, resealed, protector: preferred.kind, dataDir },
      created ? 'created node identity' : 'loaded node identity',
    )
    db = openDatabase(databasePath(dataDir))
    const store = new NetworkStore(db)
    const validatorCandidate = ownValidatorCandidate(dataDir, identity, log)
    ensureOwnDevnet(store, validatorCandidate, config)
    if (init.genesis != null) {
      const joined = store.joinNetwork(init.genesis)
      log.info({ networkId: joined.networkId, name: joined.name }, 'joined the network of the given genesis')
    }
    const stoqMetrics = createStoqMetrics()
    // One pool of worker threads, off the event loop: STOQ handshakes sign and verify with FALCON on it,
    // and the ledger checks transaction signatures on it. Threads start as work needs them.
    signatureWorkers = startSignatureWorkers(log)
    const falconSigner = falconWorkerSigner(signatureWorkers, identity.falcon)
    // Peers' FALCON keys: bound ones are checked in every handshake, and peers that spoke STOQ are refused
    // classical Noise. The ledger and the network feed it once they exist (compose).
    const peerKeys = new PeerKeyBook(db)
    const profile = stoqTransportProfile({
      falcon: identity.falcon,
      falconSigner,
      peerKeys,
      metrics: stoqMetrics,
      offerClassicalNoise: config.transport.offerClassicalNoise,
      quic: config.transport.quic,
      webrtcDirect: config.transport.webrtcDirect,
      webrtcCertificate: config.transport.webrtcDirect ? await webrtcCertificate(dataDir, log) : undefined,
      maxInboundStreams: config.connections.maxInboundStreamsPerConnection,
    })
    return new Node({
      dataDir,
      lock,
      config,
      log,
      identity,
      db,
      store,
      mode: init.mode,
      profile,
      stoqMetrics,
      signatureWorkers,
      falconSigner,
      peerKeys,
      binding: await ownPeerBinding(identity),
      validatorCandidate,
      idleSeconds: init.idleSeconds ?? (() => null),
      jobEngine: init.jobEngine ?? createJobEngine,
    })
  } catch (err) {
    await signatureWorkers?.stop()
    db?.close()
    lock.release()
    throw err
  }
}

/**
 * This node as a validator: its keys and the commitment of its PoSpace plot, generated on first start
 * (2^16 labels, a few seconds) and kept in the data dir.
 */
function ownValidatorCandidate(dataDir: string, identity: NodeIdentity, log: Logger): ValidatorCandidate {
  const started = Date.now()
  const { plot, created, replaced } = loadOrCreatePlot(dataDir, identity.falcon.publicKey, {
    leavesLog2: DEVNET_PARAMS.proofs.spaceLeavesLog2,
    iterations: DEVNET_PARAMS.proofs.spaceLabelIterations,
  })
  if (created) log.info({ ms: Date.now() - started, replaced }, 'generated the PoSpace plot')
  return {
    peerId: identity.peerId.toString(),
    falconPublicKey: identity.falcon.publicKey,
    space: plot.commitment,
  }
}

/** First start: a one-validator devnet of our own, made active. Later starts: keep what is on record. */
function ensureOwnDevnet(store: NetworkStore, candidate: ValidatorCandidate, config: NodeConfig): void {
  const own =
    store.ownDevnet() ??
    store.saveNetwork(
      createDevnetGenesis({ name: config.devnetName ?? defaultDevnetName(candidate.peerId), ...candidate }),
      true,
    )
  const active = store.activeNetworkId()
  if (active == null || store.getNetwork(active) == null) store.setActiveNetwork(own.networkId)
}

/** The WebRTC Direct certificate, the same across restarts so that addresses given to browsers keep working. */
async function webrtcCertificate(dataDir: string, log: Logger): Promise<WebRTCCertificate> {
  const { certificate, created, replaced } = await loadOrCreateWebRTCCertificate(dataDir)
  if (replaced != null) log.warn({ reason: replaced }, 'replaced the WebRTC Direct certificate')
  else if (created) log.info({ certhash: certificate.certhash }, 'created the WebRTC Direct certificate')
  return certificate
}

/** Distinct per node, so two devnets never look alike in a list: "laptop devnet 7fMrfY". */
function defaultDevnetName(peerId: string): string {
  const host =
    hostname()
      .replace(/\.local$/, '')
      .slice(0, 40) || 'HyperMesh'
  return `${host} devnet ${peerId.slice(-6)}`
}

interface NodeParts {
  dataDir: string
  lock: DataDirLock
  config: NodeConfig
  log: Logger
  identity: NodeIdentity
  db: DatabaseSync
  store: NetworkStore
  mode: 'desktop' | 'headless'
  profile: TransportProfile
  stoqMetrics: StoqMetrics
  /** Signature work of STOQ handshakes and the ledger; null when running from source without built workers. */
  signatureWorkers: SignatureWorkers | null
  /** This node's FALCON key, signing and verifying on the signature workers where there are any. */
  falconSigner: FalconSigner
  peerKeys: PeerKeyBook
  /** This node's peer id bound to its FALCON key, signed by both. */
  binding: SignedPeerBinding
  validatorCandidate: ValidatorCandidate
  idleSeconds(): number | null
  jobEngine(log: Logger): JobEngine
}

class Node implements HyperMeshNode {
  readonly api
  readonly dataDir: string
  readonly peerId: string
  readonly config: NodeConfig
  readonly logFile: string
  readonly validatorCandidate: ValidatorCandidate
  private running: Running | null = null
  private readonly hardware = createHardwareAdapters()
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created'

  constructor(private readonly parts: NodeParts) {
    this.dataDir = parts.dataDir
    this.peerId = parts.identity.peerId.toString()
    this.config = parts.config
    this.logFile = logFilePath(parts.dataDir)
    this.validatorCandidate = parts.validatorCandidate
    this.api = createApiDispatcher(
      createApiHandlers({
        hardware: this.hardware,
        running: () => this.running,
        transportStats: () => parts.stoqMetrics.snapshot(),
        status: () => ({
          peerId: this.peerId,
          falconFingerprint: parts.identity.falconFingerprint,
          version,
          mode: parts.mode,
          transport: { name: parts.profile.name, postQuantum: parts.profile.postQuantum },
        }),
      }),
      parts.log,
    )
  }

  /**
   * Builds the node's parts and starts them in order (./lifecycle.ts). A start that fails or is cancelled
   * stops what it started, and the node can be started again.
   */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.state !== 'created') throw new Error(`cannot start a node that is ${this.state}`)
    this.state = 'starting'
    try {
      const composed = await this.compose()
      const services = await startInOrder(composed.services, this.parts.log, options)
      this.running = { ...composed.parts, services, startedAt: Date.now() }
      this.state = 'running'
      const addresses = composed.parts.listenAddresses()
      this.parts.log.info(
        {
          transport: this.parts.profile.name,
          nat: composed.parts.nat,
          addresses,
          networkId: composed.parts.network.activeNetwork().networkId,
        },
        'node started',
      )
    } catch (err) {
      // The lookup reaches this attempt's ledger and network, and through them its libp2p, whose QUIC
      // sockets open when it is made: dropped, they go with it, and a retry starts from nothing.
      this.parts.peerKeys.bindingsFrom(() => undefined)
      this.state = 'created'
      throw err
    }
  }

  /**
   * Every part of a running node, wired to the parts it needs, and the services in the order they start.
   * Nothing here starts anything: constructors only keep what they are given.
   */
  private async compose(): Promise<{
    parts: Omit<Running, 'services' | 'startedAt'>
    services: NodeService[]
  }> {
    const { config, log, store, identity, db, signatureWorkers, falconSigner, peerKeys, binding } = this.parts
    const { libp2p, nat } = await this.createLibp2p()
    const listenAddresses = (): string[] => libp2p.getMultiaddrs().map((a) => a.toString())
    // GPU jobs run on Dawn in a headless node, or on a page that lends its WebGPU adapter over the API
    // (in the desktop app, its hidden GPU window).
    const gpu = await composeGpuJobs(
      { ...config.gpu, dawn: config.gpu.dawn && this.parts.mode === 'headless' },
      log,
    )
    const sharing = new SharingService({
      db,
      hardware: this.hardware,
      limiter: await detectLimiter(),
      gpuControls: await detectGpuControls(),
      idleSeconds: this.parts.idleSeconds,
      gpuJobs: () => gpu.forSharing(),
      log,
    })
    // Peers whose assets this node uses stay connected although they are on none of its networks.
    const usedPeers = new Set<string>()
    const network = new NetworkManager(
      {
        libp2p,
        store,
        log,
        events: this.api,
        falcon: falconSigner,
        inviteKey: inviteKey(identity.falcon.secretKey),
        provenKeys: (peer) => peerKeys.provenKeys(peer),
        pinKey: (peer, key) => peerKeys.pin(peer, key),
      },
      {
        pingIntervalMs: config.pingIntervalMs,
        // Called only once the node runs, when `assets` and `ledger` exist.
        keepOutsider: (peer: string): boolean => assets.admitsOutsider(peer) || usedPeers.has(peer),
        ledgerRoots: (): RootKey[] => activeValidators(ledger),
      },
      activeNetwork(store),
    )
    const ledger: ActiveLedger = new ActiveLedger({
      db,
      dataDir: this.dataDir,
      falcon: identity.falcon,
      peerId: this.peerId,
      log,
      libp2p,
      members: () => network.memberIds(),
      isMember: (peer) => network.isMember(peer),
      listenAddresses,
      signatureWorkers: signatureWorkers == null ? null : txVerifierThreads(signatureWorkers),
    })
    // The ledger follows the active network: a join or leave closes one chain and opens the other.
    network.onActiveNetworkChanged((active) => void ledger.switchTo(active))
    ledger.onBlock((block) => this.api.emit('chain.block', block))
    // A peer's bound FALCON key: the ledger's binding, or the one its network's genesis names for it.
    peerKeys.bindingsFrom(
      (peer) =>
        ledger.current()?.chain.state.peerBinding(peer)?.falconKey ??
        genesisKeyOf(network.activeNetwork(), peer),
    )
    // This node's own binding goes on the ledger once its account can pay for it.
    const keepBound = peerBindingKeeper(binding, addressOf(falcon1024Scheme, identity.falcon.publicKey), log)
    ledger.onBlock(() => keepBound(ledger.current()))
    // Usage receipts in, claims out, earnings recorded: on every block of the active network's ledger.
    const rewards = new RewardsService({
      db,
      falcon: identity.falcon,
      binding,
      ledger: () => ledger.current(),
      log,
    })
    const assets = new AssetService({
      libp2p,
      db,
      dataDir: this.dataDir,
      peerId: this.peerId,
      falcon: identity.falcon,
      sharing,
      network: {
        activeNetworkId: () => network.activeNetwork().networkId,
        isMember: (peer) => network.isMember(peer),
        members: () => network.memberIds(),
      },
      ledger: () => ledger.need(),
      currentLedger: () => ledger.current(),
      receipts: rewards,
      usedPeers,
      log,
    })
    // Holders without a direct path reach this node through relays; it reserves on those with stake.
    const relays = new StakedRelays(
      libp2p,
      () => {
        const chain = ledger.current()?.chain
        return chain == null ? new Map<string, bigint>() : peerStakes(chain.state)
      },
      log,
    )
    // Files this node stores on peers that grant it storage leases.
    const files = new FileService({
      db,
      peerId: this.peerId,
      falcon: identity.falcon,
      reach: (peer) => assets.reach(peer),
      storageCandidates: () => assets.storageCandidates(),
      receipts: rewards,
      log,
    })
    // Jobs: this node's work placed on providers, and other peers' work run in its leased-work group.
    const jobs = new JobsService(
      {
        libp2p,
        db,
        peerId: this.peerId,
        falcon: identity.falcon,
        activeNetworkId: () => network.activeNetwork().networkId,
        ledger: () => jobsLedgerView(ledger),
        submitTx: (body) => ledger.need().signAndSubmit(body),
        onBlock: (listener) => ledger.onBlock(listener),
        candidates: (resource) => [...new Set([...network.memberIds(), ...assetPeers(ledger, resource)])],
        reach: (peer) => assets.reach(peer),
        provider: providerTerms(sharing, assets),
        changed: (summary) => this.api.emit('jobs.changed', summary),
        log,
      },
      withGpuJobs(this.parts.jobEngine(log), gpu.host),
    )
    // The person's wallet, apart from the node's identity keys (docs/caesar.md); locked at every start.
    const wallet = new WalletService({
      file: walletFile(this.dataDir),
      ledger: () => walletLedger(ledger),
    })
    const exchange = new ExchangeService({
      ledger: () => exchangeLedger(ledger),
      wallet: exchangeWallet(wallet),
      askLease: (peer, ask) => assets.askLease(peer, ask),
      minPricePerHour: (resource) => BigInt(sharing.settingsOf(resource).minPricePerHour),
    })
    const addressBook = new AddressBook(addressBookFile(this.dataDir))
    const services: NodeService[] = [
      {
        name: 'signature workers',
        start: () => signatureWorkers?.start(),
        stop: () => signatureWorkers?.stop(),
      },
      { name: 'libp2p', start: () => this.startLibp2p(libp2p), stop: () => libp2p.stop() },
      network,
      this.trafficSampler(libp2p),
      rewards.followChain(ledger),
      { name: 'ledger', start: () => ledger.switchTo(network.activeNetwork()), stop: () => ledger.stop() },
      sharing,
      assets,
      ...(config.nat.relayReservations > 0 ? [relays] : []),
      files,
      gpu.service,
      jobs,
    ]
    return {
      parts: {
        libp2p,
        nat,
        network,
        ledger,
        sharing,
        assets,
        rewards,
        wallet,
        addressBook,
        exchange,
        files,
        jobs,
        gpu,
        listenAddresses,
      },
      services,
    }
  }

  private async createLibp2p(): Promise<{ libp2p: NodeLibp2p; nat: NatSettings }> {
    const { config, identity, profile } = this.parts
    const listen = await this.listenOptions()
    // The limiter counts a peer's connections through libp2p, which the limiter is an option of.
    const connections = { of: (_peer: PeerId): number => 0 }
    const limiter = createConnectionLimiter(
      {
        maxPendingPerHost: config.connections.maxPendingPerHost,
        maxPendingPerNetwork: config.connections.maxPendingPerNetwork,
        inboundPerNetworkPerSecond: config.connections.inboundConnectionsPerNetworkPerSecond,
        inboundHandshakesPerSecond: config.connections.inboundHandshakesPerSecond,
        maxConnectionsPerPeer: config.connections.maxConnectionsPerPeer,
      },
      (peer) => connections.of(peer),
    )
    const { options, nat } = buildLibp2pOptions({
      privateKey: identity.privateKey,
      config,
      profile,
      listen,
      connectionGater: limiter,
    })
    const libp2p = (await createLibp2p(options)) as NodeLibp2p
    fixQuadraticGetConnections(libp2p)
    cancelAddressUpdatesOnStop(libp2p)
    connections.of = (peer) => libp2p.getConnections(peer).length
    return { libp2p, nat }
  }

  private async startLibp2p(libp2p: NodeLibp2p): Promise<void> {
    await libp2p.start()
    const addresses = libp2p.getMultiaddrs()
    if (addresses.length === 0)
      throw new Error('could not listen on any address; check the listen settings and free ports')
    this.rememberPorts(addresses.map((a) => a.toString()))
  }

  /** Traffic rates and the dashboard's chart (one sample a second), and each connection tuned to its link. */
  private trafficSampler(libp2p: NodeLibp2p): NodeService {
    let sampler: NodeJS.Timeout | null = null
    let tuner: LinkTuner | null = null
    const { stoqMetrics, log } = this.parts
    return {
      name: 'traffic',
      start() {
        sampler = setInterval(() => stoqMetrics.sample(), 1_000)
        sampler.unref()
        tuner = startLinkTuner(libp2p, (err) =>
          log.error({ err }, 'link tuning stopped; connections keep yamux defaults'),
        )
      },
      stop() {
        if (sampler != null) clearInterval(sampler)
        tuner?.stop()
        sampler = null
        tuner = null
      },
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return
    this.state = 'stopping'
    const running = this.running
    this.running = null
    try {
      await running?.services.stop()
    } finally {
      await this.parts.signatureWorkers?.stop()
      this.parts.peerKeys.bindingsFrom(() => undefined)
      this.parts.db.close()
      this.parts.log.info('node stopped')
      this.parts.lock.release()
      this.state = 'stopped'
    }
  }

  /** Configured ports if free, otherwise any free port (logged), so a busy port never blocks start. */
  private async listenOptions() {
    const { listen } = this.parts.config
    const hosts = listen.loopbackOnly ? ['127.0.0.1'] : ['0.0.0.0']
    const tcpPort = await choosePort(listen.tcpPort, hosts)
    const wsPort = await choosePort(listen.wsPort, hosts)
    const quicPort = await choosePort(listen.quicPort, hosts, 'udp')
    const webrtcPort = await choosePort(listen.webrtcPort, hosts, 'udp')
    const chosen = { tcpPort, wsPort, quicPort, webrtcPort }
    if (Object.entries(chosen).some(([key, port]) => listen[key as keyof typeof chosen] !== port)) {
      this.parts.log.warn(
        { tcp: listen.tcpPort, ws: listen.wsPort, quic: listen.quicPort, webrtc: listen.webrtcPort },
        'a configured listen port is in use; using a free one instead',
      )
    }
    return { ...listen, ...chosen }
  }

  private rememberPorts(addresses: string[]): void {
    const port = (kind: ListenerKind): number | undefined => {
      for (const text of addresses) {
        const parts = multiaddr(text).getComponents()
        const found = parts.find((p) => p.name === 'tcp' || p.name === 'udp')
        if (found?.value != null && parts[0]?.name === 'ip4' && listenerKindOf(parts) === kind)
          return Number(found.value)
      }
      return undefined
    }
    const [tcpPort, wsPort] = [port('tcp'), port('ws')]
    const udp = { quicPort: port('quic'), webrtcPort: port('webrtc') }
    const { listen } = this.parts.config
    const changed =
      tcpPort !== listen.tcpPort ||
      wsPort !== listen.wsPort ||
      udp.quicPort !== listen.quicPort ||
      udp.webrtcPort !== listen.webrtcPort
    if (tcpPort != null && wsPort != null && changed) {
      const known = Object.fromEntries(Object.entries(udp).filter(([, p]) => p != null))
      rememberListenPorts(this.dataDir, { tcpPort, wsPort, ...known })
    }
  }
}
