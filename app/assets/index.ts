/**
 * HyperMesh assets: the hardware this node can share, on what terms, and the protocols that let peers use
 * it. Hardware adapters read each resource from the OS (hardware/); the sharing service holds the terms
 * and enforces them on leased work (sharing/, limits/); the asset service registers assets on the ledger
 * and serves leased memory, storage, CPU and GPU over STOQ (leases/, proxy/); the file service stores a
 * person's files sealed and erasure-coded on peers (files/, storage/).
 *
 * What it needs from the rest of the node it declares as ports (./ports.ts): the active network's ledger,
 * a desk for usage receipts, and the network this node is on.
 *
 * @example
 * ```ts
 * const hardware = createHardwareAdapters()
 * const sharing = new SharingService({ db, hardware, limiter: await detectLimiter(),
 *   gpuControls: await detectGpuControls(), idleSeconds: () => null, log })
 * await sharing.start()
 * const assets = new AssetService({ libp2p, db, dataDir, peerId, falcon, sharing, network, ledger,
 *   currentLedger, receipts, log })
 * await assets.start()
 * ```
 */
export {
  createHardwareAdapters,
  detectGpuControls,
  readHardware,
  type AssetAdapter,
  type AssetKind,
  type GpuControls,
  type HardwareAdapters,
} from './hardware'
export { detectLimiter } from './limits/detect'
export { SharingService, type SharingParts } from './sharing/sharing-service'
export type { GpuJobsHost } from './sharing/enforcement-report'
export { AssetService } from './asset-service'
export { FileService, type FileServiceParts } from './files/file-service'
export { StakedRelays } from './proxy/staked-relays'
export { peerStakes } from './proxy/relay-choice'
export { AssetRequestError } from './errors'
export type { AssetLedger, AssetNetwork, AssetServiceParts, ReceiptDesk } from './ports'
