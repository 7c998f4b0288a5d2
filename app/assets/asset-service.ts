/**
 * The node's assets on its current network: their ids and proxy addresses, leases on them, and the
 * memory proxy that serves leased memory (with each resource's privacy level enforced per peer).
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ApiError } from '../../shared/api'
import type { IssuedLease, LeaseIssueRequest, OwnAssetInfo } from '../../shared/sharing-schemas'
import { LeaseBook } from './leases/lease-book'
import { assetIdOf, ownAssets } from './own-assets'
import { MemoryProxyServer } from './proxy/memory-proxy'
import { refusalFor } from './proxy/privacy'
import { proxyAddressOf } from './proxy-address'
import type { SharingService } from './sharing/sharing-service'

export interface AssetServiceParts {
  libp2p: Libp2p
  db: DatabaseSync
  peerId: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  sharing: SharingService
  network: { activeNetworkId(): string; isMember(peer: string): boolean }
  log: Logger
}

export class AssetService {
  private constructor(
    private readonly parts: AssetServiceParts,
    private readonly book: LeaseBook,
    private readonly memoryProxy: MemoryProxyServer,
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
    const memoryAsset = () => ({
      assetId: assetIdOf(parts.network.activeNetworkId(), parts.peerId, 'memory', 0),
      capacityBytes: parts.sharing.memoryOffer(),
    })
    const memoryProxy = new MemoryProxyServer({
      libp2p: parts.libp2p,
      book,
      asset: memoryAsset,
      refusalFor: (peer) => refusalFor(parts.sharing.settingsOf('memory'), peer, networkView(parts)),
      log: parts.log,
    })
    await memoryProxy.start()
    return new AssetService(parts, book, memoryProxy)
  }

  async stop(): Promise<void> {
    await this.memoryProxy.stop()
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
    const refusal = refusalFor(sharing.settingsOf('memory'), request.holder, networkView(this.parts))
    if (refusal != null) throw new ApiError('BAD_REQUEST', `no lease for ${request.holder}: ${refusal}`)
    const offer = sharing.memoryOffer()
    if (BigInt(request.amountBytes) > offer)
      throw new ApiError(
        'BAD_REQUEST',
        `this node offers ${offer} bytes of memory now; ask for less, or raise the allocation`,
      )
    const networkId = network.activeNetworkId()
    const lease = this.book.issue({
      assetId: assetIdOf(networkId, peerId, 'memory', 0),
      holder: request.holder,
      amount: BigInt(request.amountBytes),
      durationMs: request.minutes * 60_000,
    })
    return {
      lease: JSON.stringify(lease),
      expiresAt: lease.terms.expiresAt,
      proxyAddress: proxyAddressOf({ networkId, peerId, resource: 'memory', index: 0 }),
    }
  }
}

const networkView = (parts: AssetServiceParts) => ({
  activeNetworkId: parts.network.activeNetworkId(),
  isMember: (peer: string) => parts.network.isMember(peer),
})
