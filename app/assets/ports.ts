/**
 * What the assets subsystem needs from the rest of the node, each as a narrow interface of its own: the
 * node satisfies them with the ledger (app/consensus), the rewards service (app/caesar) and its network
 * manager, without this subsystem importing any of them.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { AssetRecord, AssetRegistration, ChainParams, LedgerState, SignedLease } from '../consensus'
import type { ResourceKind } from '../../shared/sharing-schemas'
import type { ReceiptSigner } from './proxy/leased-stream'
import type { SharingService } from './sharing/sharing-service'
import type { SignedUsageReceipt } from '../consensus'

/** The ledger of the active network, as assets use it. */
export interface AssetLedger {
  readonly chain: { readonly state: LedgerState; readonly params: ChainParams }
  /** Registers one of this node's assets, with a ConsensusProof over its record. */
  registerAsset(asset: {
    assetId: string
    resource: AssetRegistration['resource']
    capacity: string
    privacy: AssetRegistration['privacy']
  }): { txId: string; nonce: number }
  /** Assets registered on the ledger, newest first. */
  assets(): AssetRecord[]
}

/** Usage receipts: kept for this node's leased assets (as owner), signed for leases it uses (as holder). */
export interface ReceiptDesk extends ReceiptSigner {
  /** Keeps a receipt `lease`'s holder sent on a stream opened at `openedAtMs`; null, or why it was refused. */
  take(
    receipt: SignedUsageReceipt,
    lease: SignedLease,
    resource: ResourceKind,
    openedAtMs: number,
  ): string | null
}

/** The network this node is on now. */
export interface AssetNetwork {
  activeNetworkId(): string
  isMember(peer: string): boolean
  members(): string[]
}

export interface AssetServiceParts {
  libp2p: Libp2p
  db: DatabaseSync
  dataDir: string
  peerId: string
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  sharing: SharingService
  network: AssetNetwork
  /** The active network's ledger; throws (the ledger's LedgerRequestError) when there is none. */
  ledger(): AssetLedger
  /** The same, or null when there is none. */
  currentLedger(): AssetLedger | null
  /** Usage receipts: kept for this node's leased assets, signed for leases this node uses. */
  receipts: ReceiptDesk
  /**
   * Peers whose assets this node is using now; the node keeps their connections although they are on
   * none of its networks. The asset service adds and removes them.
   */
  usedPeers: Set<string>
  log: Logger
}
