/**
 * The node's assets on its current network: their ids and proxy addresses, leases on them, the proxies
 * that serve leased memory and storage (each resource's privacy level enforced per peer, the storage
 * quota and kept-free space on every write), and the listing that shows each peer what its level allows.
 */
import { join } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import type { Connection } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { AssetRequestError } from './errors'
import {
  RESOURCE_KINDS,
  type ResourceKind,
  type AssetRegisterReceipt,
  type AssetRegisterRequest,
  type DiscoveredAsset,
  type DiscoverRequest,
  type IssuedLease,
  type LeaseAsk,
  type LeaseIssueRequest,
  type LeaseProbeRequest,
  type LeaseProbeResult,
  type OwnAssetInfo,
  type ResolvedProxyAddress,
} from '../../shared/sharing-schemas'
import { addressOf, decodeLease, falcon1024Scheme, type SignedLease } from '../consensus'
import { ProxyRefusal } from './proxy/leased-stream'
import { RemoteMemory } from './proxy/memory-client'
import { RemoteStorage } from './proxy/storage-client'
import { LeaseBook } from './leases/lease-book'
import { assetIdOf, ownAssets } from './own-assets'
import type { LeasedAsset } from './proxy/leased-stream'
import { MemoryProxyServer } from './proxy/memory-proxy'
import { refusalFor, registrationRefusal, visibleTo } from './proxy/privacy'
import { StorageProxyServer } from './proxy/storage-proxy'
import { ComputeProxyServer, type ComputeKind } from './proxy/compute-proxy'
import { peerStakes, reachPeer } from './proxy/relay-choice'
import { LeaseRequestServer, requestLease } from './leases/lease-requests'
import { proveForLease } from './leases/lease-proofs'
import { capacityOf, grantLease, leaseGrantor, networkView, offerOf, type LeaseDesk } from './asset-offers'
import { RemoteCompute } from './proxy/compute-client'
import { BandwidthCaps } from './proxy/token-bucket'
import { looksLikeProxyAddress, proxyAddressOf } from './proxy-address'
import { AssetListingServer, askListing, type AssetListing } from './proxy/asset-listing'
import { discoveredOnLedger, peerOfRef, resolveProxyAddress, type Directory } from './asset-directory'
import { LeasedShards } from './storage/leased-shards'
import { ShardStore } from './storage/shard-store'
import type { AssetServiceParts } from './ports'

export class AssetService {
  readonly name = 'assets'
  private readonly desk: LeaseDesk
  private readonly proxies: { start(): Promise<void>; stop(): Promise<void> }[]

  constructor(private readonly parts: AssetServiceParts) {
    const owner = {
      peerId: parts.peerId,
      falcon: parts.falcon,
      get networkId() {
        return parts.network.activeNetworkId()
      },
    }
    const book = new LeaseBook(parts.db, owner)
    const leased = (kind: ResourceKind): LeasedAsset => ({
      book,
      asset: () => ({
        assetId: assetIdOf(parts.network.activeNetworkId(), parts.peerId, kind, 0),
        capacity: offerOf(parts, kind),
      }),
      refusalFor: (peer) => refusalFor(parts.sharing.settingsOf(kind), peer, networkView(parts)),
      terms: () => parts.sharing.settingsOf(kind),
      // Stored shards run their lease without a stream; nothing else outlives one.
      holding: () =>
        kind === 'storage'
          ? shards.holding(assetIdOf(parts.network.activeNetworkId(), parts.peerId, kind, 0))
          : [],
      caps: new BandwidthCaps(() => parts.sharing.settingsOf(kind)),
      takeReceipt: (receipt, terms, openedAt) => {
        const lease = book.signedLease(terms.leaseId)
        if (lease == null) return 'this node has no record of the lease'
        return parts.receipts.take(receipt, lease, kind, openedAt)
      },
      log: parts.log,
    })
    const store = new ShardStore(join(parts.dataDir, 'shards'), () => {
      const terms = parts.sharing.settingsOf('storage')
      return { quotaBytes: Number(offerOf(parts, 'storage')), keepFreeBytes: terms.keepFreeBytes }
    })
    const shards = new LeasedShards(parts.db, store, parts.log)
    const compute = (kind: ComputeKind): ComputeProxyServer =>
      new ComputeProxyServer(
        { ...leased(kind), libp2p: parts.libp2p, enforcement: () => parts.sharing.enforcementWords(kind) },
        kind,
      )
    this.desk = { book, shards }
    this.proxies = [
      new LeaseRequestServer(parts.libp2p, leaseGrantor(parts, this.desk), parts.log),
      new AssetListingServer(parts.libp2p, { listFor: (peer) => this.listingFor(peer) }, parts.log),
      new MemoryProxyServer({ ...leased('memory'), libp2p: parts.libp2p }),
      new StorageProxyServer({ ...leased('storage'), libp2p: parts.libp2p, shards }),
      compute('cpu'),
      compute('gpu'),
    ]
  }

  /**
   * Serves lease requests and the leased proxies (memory, storage, CPU, GPU), and deletes the shards of
   * storage leases as they end.
   */
  async start(): Promise<void> {
    this.desk.shards.start()
    for (const proxy of this.proxies) await proxy.start()
  }

  /** Stops serving; safe to call whatever part of start() ran. */
  async stop(): Promise<void> {
    for (const proxy of this.proxies) await proxy.stop()
    this.desk.shards.stop()
  }

  async list(): Promise<OwnAssetInfo[]> {
    const { sharing, peerId, network } = this.parts
    const hardware = await sharing.hardwareNow()
    return ownAssets(network.activeNetworkId(), peerId, hardware).map((asset) => {
      const settings = sharing.settingsOf(asset.resource)
      return { ...asset, shared: settings.enabled, privacy: settings.privacy }
    })
  }

  /**
   * Registers one of this node's assets on the ledger, which every member of the network reads: only a
   * level that shows the asset to all of them may (privacy.ts, registrationRefusal).
   */
  async register(request: AssetRegisterRequest): Promise<AssetRegisterReceipt> {
    const { sharing, peerId, network } = this.parts
    const { resource, index = 0 } = request
    const settings = sharing.settingsOf(resource)
    if (!settings.enabled)
      throw new AssetRequestError('bad-request', `share the ${resource} first, then register it`)
    const refusal = registrationRefusal(settings, network.activeNetworkId())
    if (refusal != null) throw new AssetRequestError('bad-request', refusal)
    const hardware = await sharing.hardwareNow()
    if (
      !ownAssets(network.activeNetworkId(), peerId, hardware).some(
        (a) => a.resource === resource && a.index === index,
      )
    )
      throw new AssetRequestError('not-found', `this computer has no ${resource} ${index}`)
    const assetId = assetIdOf(network.activeNetworkId(), peerId, resource, index)
    const capacity = capacityOf(this.parts, resource, hardware.cpu.cores).toString()
    const receipt = this.parts
      .ledger()
      .registerAsset({ assetId, resource, capacity, privacy: settings.privacy })
    return { assetId, ...receipt }
  }

  /**
   * Assets on this network's ledger, with proxy addresses for those this version can derive; or, `from` a
   * peer, what that peer lists to this node (its privacy levels decide what).
   */
  async discover(request: DiscoverRequest = {}): Promise<DiscoveredAsset[]> {
    const networkId = this.parts.network.activeNetworkId()
    if (request.from == null)
      return this.parts
        .ledger()
        .assets()
        .map((record) => discoveredOnLedger(networkId, this.parts.peerId, record))
    const { peerId, address } = peerOfRef(request.from, this.directory())
    if (peerId === this.parts.peerId)
      throw new AssetRequestError('bad-request', 'that is this node: assets.list lists its own assets')
    const listing = await this.using(peerId, async () => {
      const connection = await this.reach(peerId, address?.toString())
      try {
        return await askListing(connection)
      } catch (err) {
        if (err instanceof ProxyRefusal)
          throw new AssetRequestError('bad-request', `refused (${err.code}): ${err.message}`, { cause: err })
        throw new AssetRequestError(
          'unreachable',
          `${peerId} did not list its assets: ${(err as Error).message}`,
          {
            cause: err,
          },
        )
      }
    })
    return listing.assets.map((asset) => ({
      assetId: asset.assetId,
      owner: listing.owner,
      peerId,
      resource: asset.resource,
      capacity: asset.capacity,
      privacy: asset.privacy,
      registeredAt: listing.networkId === networkId ? asset.registeredAt : null,
      proxyAddress: asset.proxyAddress,
      isOwn: false,
      source: 'owner' as const,
    }))
  }

  /** The asset and serving peer a proxy address names: through the ledger first, then the peers known. */
  resolve(address: string): ResolvedProxyAddress {
    return resolveProxyAddress(address, this.directory())
  }

  /** The peer id a peer id or a proxy address names (an address that resolves to nothing is refused). */
  peerIdOf(peerOrAddress: string): string {
    return looksLikeProxyAddress(peerOrAddress) ? this.resolve(peerOrAddress).peerId : peerOrAddress
  }

  /**
   * Whether a peer on none of this node's networks may keep its connection: one that some shared
   * resource's privacy level admits (a trusted peer, a peer the ledger names, or anyone for FullPublic).
   */
  /** Null when `peer` may use this node's `kind` under its privacy level; else why not, in words. */
  useRefusal(kind: ResourceKind, peer: string): string | null {
    return refusalFor(this.parts.sharing.settingsOf(kind), peer, networkView(this.parts))
  }

  admitsOutsider(peer: string): boolean {
    const view = networkView(this.parts)
    return RESOURCE_KINDS.some((kind) => refusalFor(this.parts.sharing.settingsOf(kind), peer, view) == null)
  }

  /** This node's assets that `peer` may see, for the asset listing it asked for. */
  private async listingFor(peer: string): Promise<Omit<AssetListing, 'ok'>> {
    const { sharing, peerId, network, falcon } = this.parts
    const networkId = network.activeNetworkId()
    const view = networkView(this.parts)
    // Any peer may ask: answer from the last reading rather than wait for a new one.
    const hardware = sharing.lastHardware() ?? (await sharing.hardwareNow())
    const state = this.parts.currentLedger()?.chain.state
    const assets = ownAssets(networkId, peerId, hardware)
      .filter((asset) => visibleTo(sharing.settingsOf(asset.resource), peer, view))
      .map((asset) => ({
        ...asset,
        capacity: capacityOf(this.parts, asset.resource, hardware.cpu.cores).toString(),
        privacy: sharing.settingsOf(asset.resource).privacy,
        registeredAt: state?.assets.get(asset.assetId)?.registeredAt ?? null,
      }))
    return { owner: addressOf(falcon1024Scheme, falcon.publicKey), networkId, assets }
  }

  /** What proxy addresses and peer references are resolved through. */
  private directory(): Directory {
    const { network, libp2p, usedPeers } = this.parts
    return {
      networkId: network.activeNetworkId(),
      ledgerAssets: () => this.parts.currentLedger()?.assets() ?? [],
      knownPeers: () => [...network.members(), ...libp2p.getPeers().map((p) => p.toString()), ...usedPeers],
    }
  }

  /** Runs `use` with `peer` kept connected although it may be on none of this node's networks. */
  private async using<T>(peer: string, use: () => Promise<T>): Promise<T> {
    this.parts.usedPeers.add(peer)
    try {
      return await use()
    } finally {
      this.parts.usedPeers.delete(peer)
    }
  }

  /** Peers to ask for storage: this network's members, then the servers of registered storage; not this node. */
  storageCandidates(): string[] {
    // Without a ledger, members only.
    const registered = (this.parts.currentLedger()?.assets() ?? [])
      .filter((a) => a.resource === 'storage')
      .map((a) => a.peerId)
    const self = this.parts.peerId
    return [...new Set([...this.parts.network.members(), ...registered])].filter((p) => p !== self)
  }

  /**
   * Uses a lease issued to this node once: reaches the owner (over an existing connection, or `address`),
   * writes a 4 KiB probe through its memory or storage proxy and reads it back. A refusal names its reason.
   */
  async probeLease(request: LeaseProbeRequest): Promise<LeaseProbeResult> {
    let lease: SignedLease
    try {
      lease = decodeLease(new TextEncoder().encode(request.lease))
    } catch (err) {
      throw new AssetRequestError('bad-request', `not a lease: ${(err as Error).message}`, { cause: err })
    }
    const { owner, networkId, assetId } = lease.terms
    const resource = RESOURCE_KINDS.find((kind) =>
      Array.from({ length: 16 }, (_, i) => i).some((i) => assetIdOf(networkId, owner, kind, i) === assetId),
    )
    if (resource == null)
      throw new AssetRequestError('bad-request', 'the lease is not for an asset this version knows')
    const address = this.ownerAddress(owner, request.address)
    this.parts.usedPeers.add(owner)
    const started = performance.now()
    try {
      const connection = await this.reach(owner, address)
      if (resource === 'cpu' || resource === 'gpu') {
        // No usage receipts: CPU and GPU earn from the measured work of jobs (app/jobs), not held time.
        const held = await RemoteCompute.open(connection, lease, resource)
        const status = await held.status()
        await held.close()
        return {
          resource,
          bytes: 0,
          ms: performance.now() - started,
          reservedMillicores: status.reservedMillicores,
          enforcement: status.enforcement,
        }
      }
      const probe = new Uint8Array(randomBytes(4096))
      if (resource === 'memory') {
        const memory = await RemoteMemory.open(connection, lease)
        memory.sendReceipts(lease.terms, this.parts.receipts)
        await memory.write(0, probe)
        const back = await memory.read(0, probe.length)
        await memory.close()
        if (!Buffer.from(back).equals(probe))
          throw new AssetRequestError('internal', 'the probe came back different')
      } else {
        const storage = await RemoteStorage.open(connection, lease)
        storage.sendReceipts(lease.terms, this.parts.receipts)
        const fileId = createHash('sha256').update(probe).digest('hex')
        await storage.put(fileId, 0, probe)
        const back = await storage.get(fileId, 0)
        await storage.delete(fileId, 0)
        await storage.close()
        if (!Buffer.from(back).equals(probe))
          throw new AssetRequestError('internal', 'the probe came back different')
      }
      return { resource, bytes: probe.length, ms: performance.now() - started }
    } catch (err) {
      if (err instanceof ProxyRefusal)
        throw new AssetRequestError('bad-request', `refused (${err.code}): ${err.message}`, { cause: err })
      throw err
    } finally {
      this.parts.usedPeers.delete(owner)
    }
  }

  /**
   * Where to reach a lease's owner: a multiaddr as given; a proxy address stands for its serving peer (which
   * must be the owner), reached where this node knows it to be.
   */
  private ownerAddress(owner: string, address: string | undefined): string | undefined {
    if (address == null || !looksLikeProxyAddress(address)) return address
    const resolved = this.resolve(address)
    if (resolved.peerId !== owner)
      throw new AssetRequestError(
        'bad-request',
        `${resolved.proxyAddress} is served by ${resolved.peerId}, not by the lease's owner ${owner}`,
      )
    return undefined
  }

  /** A connection to `peer`: open, direct, or through the relay with the most stake on the ledger. */
  async reach(peer: string, address?: string): Promise<Connection> {
    // A relay is chosen by its stake on this node's ledger, where it has one.
    // Without a ledger, relays are tried in the order they are known.
    const state = this.parts.currentLedger()?.chain.state
    const stakes = state == null ? new Map<string, bigint>() : peerStakes(state)
    try {
      return await reachPeer(this.parts.libp2p, peerIdFromString(peer), {
        addresses: address != null ? [multiaddr(address)] : [],
        stakeOf: (relay) => stakes.get(relay) ?? 0n,
      })
    } catch (err) {
      throw new AssetRequestError('unreachable', `could not reach ${peer}: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  /** Asks `peer` for a lease (a fill's, or a free one), proving what its terms require; refusals say why. */
  async askLease(peer: string, ask: LeaseAsk): Promise<SignedLease> {
    const connection = await this.reach(peer)
    try {
      return await requestLease(connection, ask, (asked) =>
        proveForLease(asked, this.parts.peerId, this.parts.falcon),
      )
    } catch (err) {
      if (err instanceof ProxyRefusal)
        throw new AssetRequestError('bad-request', `${peer} gave no lease: ${err.message}`, { cause: err })
      throw err
    }
  }

  /** Signs a lease for a holder named by its peer id, or by the proxy address of one of its assets. */
  issueLease(request: LeaseIssueRequest): IssuedLease {
    const { peerId, network } = this.parts
    const holder = this.peerIdOf(request.holder)
    const lease = grantLease(this.parts, this.desk, holder, request)
    const networkId = network.activeNetworkId()
    return {
      lease: JSON.stringify(lease),
      expiresAt: lease.terms.endsAt,
      proxyAddress: proxyAddressOf({ networkId, peerId, resource: request.resource, index: 0 }),
    }
  }
}
