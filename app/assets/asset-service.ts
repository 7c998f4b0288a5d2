/**
 * The node's assets on its current network: their ids and proxy addresses, leases on them, and the
 * proxies that serve leased memory and storage (each resource's privacy level enforced per peer, the
 * storage quota and kept-free space on every write).
 */
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ApiError } from '../../shared/api'
import type { IssuedLease, LeaseIssueRequest, OwnAssetInfo } from '../../shared/sharing-schemas'
import { LeaseBook } from './leases/lease-book'
import { assetIdOf, ownAssets } from './own-assets'
import type { LeasedAsset } from './proxy/leased-stream'
import { MemoryProxyServer } from './proxy/memory-proxy'
import { refusalFor } from './proxy/privacy'
import { StorageProxyServer } from './proxy/storage-proxy'
import { proxyAddressOf } from './proxy-address'
import type { SharingService } from './sharing/sharing-service'
import { ShardStore } from './storage/shard-store'

export interface AssetServiceParts {
  libp2p: Libp2p
  db: DatabaseSync
  dataDir: string
  peerId: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  sharing: SharingService
  network: { activeNetworkId(): string; isMember(peer: string): boolean }
  log: Logger
}

type LeasedKind = 'memory' | 'storage'

export class AssetService {
  private constructor(
    private readonly parts: AssetServiceParts,
    private readonly book: LeaseBook,
    private readonly proxies: { stop(): Promise<void> }[],
  ) {}

  static async start(parts: AssetServiceParts): Promise<AssetService> {
    const owner = {
      peerId: parts.peerId,
      falcon: parts.falcon,
      get networkId() {
        return parts.network.activeNetworkId()
      },
    }
    const book = new LeaseBook(parts.db, owner)
    const leased = (kind: LeasedKind): LeasedAsset => ({
      book,
      asset: () => ({
        assetId: assetIdOf(parts.network.activeNetworkId(), parts.peerId, kind, 0),
        capacity: offerOf(parts, kind),
      }),
      refusalFor: (peer) => refusalFor(parts.sharing.settingsOf(kind), peer, networkView(parts)),
      log: parts.log,
    })
    const store = new ShardStore(join(parts.dataDir, 'shards'), () => {
      const terms = parts.sharing.settingsOf('storage')
      return { quotaBytes: Number(offerOf(parts, 'storage')), keepFreeBytes: terms.keepFreeBytes }
    })
    const proxies = [
      new MemoryProxyServer({ ...leased('memory'), libp2p: parts.libp2p }),
      new StorageProxyServer({ ...leased('storage'), libp2p: parts.libp2p, store }),
    ]
    for (const proxy of proxies) await proxy.start()
    return new AssetService(parts, book, proxies)
  }

  async stop(): Promise<void> {
    for (const proxy of this.proxies) await proxy.stop()
  }

  async list(): Promise<OwnAssetInfo[]> {
    const { sharing, peerId, network } = this.parts
    const hardware = await sharing.hardwareNow()
    return ownAssets(network.activeNetworkId(), peerId, hardware).map((asset) => {
      const settings = sharing.settingsOf(asset.resource)
      return { ...asset, shared: settings.enabled, privacy: settings.privacy }
    })
  }

  issueLease(request: LeaseIssueRequest): IssuedLease {
    const { sharing, peerId, network } = this.parts
    const kind = request.resource
    const refusal = refusalFor(sharing.settingsOf(kind), request.holder, networkView(this.parts))
    if (refusal != null) throw new ApiError('BAD_REQUEST', `no lease for ${request.holder}: ${refusal}`)
    const offer = offerOf(this.parts, kind)
    if (BigInt(request.amountBytes) > offer)
      throw new ApiError(
        'BAD_REQUEST',
        `this node offers ${offer} bytes of ${kind} now; ask for less, or raise the allocation`,
      )
    const networkId = network.activeNetworkId()
    const lease = this.book.issue({
      assetId: assetIdOf(networkId, peerId, kind, 0),
      holder: request.holder,
      amount: BigInt(request.amountBytes),
      durationMs: request.minutes * 60_000,
    })
    return {
      lease: JSON.stringify(lease),
      expiresAt: lease.terms.expiresAt,
      proxyAddress: proxyAddressOf({ networkId, peerId, resource: kind, index: 0 }),
    }
  }
}

const offerOf = (parts: AssetServiceParts, kind: LeasedKind): bigint =>
  kind === 'memory' ? parts.sharing.memoryOffer() : parts.sharing.storageOffer()

const networkView = (parts: AssetServiceParts) => ({
  activeNetworkId: parts.network.activeNetworkId(),
  isMember: (peer: string) => parts.network.isMember(peer),
})
