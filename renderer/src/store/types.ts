/** The shape of the renderer's store: state by area, and the actions that change it. */
import type { StoreApi } from 'zustand/vanilla'
import type {
  StoredFileInfo,
  HolderCheck,
  RewardsStatus,
  ApiErrorCode,
  BlockCheck,
  BlockSummary,
  ChainStatus,
  TransferReceipt,
  DiscoveredAsset,
  IssuedLease,
  LeaseIssueRequest,
  LeaseProbeRequest,
  LeaseProbeResult,
  ValidatorSummary,
  HardwareSnapshot,
  LanOffer,
  NetworkInfo,
  NodeStatus,
  OwnAssetInfo,
  PeerInfo,
  ResourceKind,
  SharingSettings,
  SharingState,
  TransportStats,
} from '../../../shared/api'
import type { JobsActions, JobsArea } from './jobs-types'
import type { WalletActions, WalletArea } from './wallet-types'
import type { ExchangeActions, ExchangeArea } from './exchange-types'
import type { HistoryActions, HistoryArea } from './history-types'
import type { VisibilitySource } from './polling'

/** `auth-required` is final: the token was refused and only a new URL from `npm start` helps. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'auth-required'

export interface UiError {
  code: ApiErrorCode
  message: string
}

export interface NetworkArea {
  current: NetworkInfo | null
  /** This node's invite to its current network, as text to share. */
  invite: string | null
  /** HyperMesh nodes on the LAN (mDNS) that are not known members of this network. */
  lanOffers: LanOffer[]
  joining: boolean
  leaving: boolean
  /** Why the last join (or leave) failed; cleared when the next one starts. */
  joinError: UiError | null
  /** The network the last successful join led to; cleared when the next one starts or on leave. */
  joinSuccess: NetworkInfo | null
}

export type Area =
  | 'node'
  | 'peers'
  | 'hardware'
  | 'invite'
  | 'lan'
  | 'transport'
  | 'chain'
  | 'sharing'
  | 'jobs'
  | 'wallet'
  | 'exchange'
  | 'history'

export interface ChainArea {
  status: ChainStatus | null
  /** The latest blocks, newest first. */
  blocks: BlockSummary[]
  validators: ValidatorSummary[]
  transferring: boolean
  transferError: UiError | null
  /** The last transfer the node admitted: pending until chain.status's ownTxs says it was committed. */
  lastTransfer: TransferReceipt | null
  staking: boolean
  stakeError: UiError | null
  /** The last staking action the node accepted. */
  lastStake: StakeAction | null
  /** Re-verification of blocks the user asked for, by height. */
  checks: Record<number, BlockCheck | 'checking'>
}

export interface ChainActions {
  refreshChain(): Promise<void>
  addBlock(block: BlockSummary): void
  /** Amounts as the user typed them, in CAESAR; resolves true when the node accepted the transfer. */
  transfer(to: string, amount: string, fee: string): Promise<boolean>
  verifyBlock(height: number): Promise<void>
  /** Stake or unstake `amount` (CAESAR as typed), or join or leave the validators; true when accepted. */
  stakeAction(action: StakeAction, amount: string): Promise<boolean>
}

export type StakeAction = 'stake' | 'unstake' | 'join' | 'leave'

export interface SharingArea {
  state: SharingState | null
  /** This node's assets, each with its proxy address. */
  assets: OwnAssetInfo[]
  /** Assets registered on this network's ledger. */
  discovered: DiscoveredAsset[]
  registering: ResourceKind | null
  registerResult: { resource: ResourceKind; ok: boolean; message: string } | null
  /** The resource whose new terms are being saved. */
  saving: ResourceKind | null
  /** Why the last save of each resource was refused. */
  errors: Partial<Record<ResourceKind, UiError>>
  /** The resource whose terms were saved last (for a confirmation). */
  saved: ResourceKind | null
  /** Earnings, the reward schedule and usage receipts; null until read (or on a node without rewards). */
  rewards: RewardsStatus | null
  /** Files this node stored on peers, and the one on its way (null: none). */
  files: StoredFileInfo[]
  fileTransfer: FileTransfer | null
}

export interface FileTransfer {
  name: string
  phase: 'uploading' | 'placing' | 'fetching' | 'downloading'
  done: number
  total: number
}

export interface FilesActions {
  /** Sends a file to the node in chunks; the node seals it and places it on peers. */
  storeFile(name: string, bytes: Uint8Array): Promise<Outcome<StoredFileInfo>>
  /** Gets a stored file back from its holders. */
  fetchFile(
    file: StoredFileInfo,
  ): Promise<Outcome<{ bytes: Uint8Array; missing: string[]; tampered: string[] }>>
  checkFile(fileId: string): Promise<Outcome<HolderCheck[]>>
  removeFile(fileId: string): Promise<Outcome<{ removedFrom: number }>>
}

/** The result of a one-off action whose outcome only its form shows. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string }

export interface SharingActions {
  refreshSharing(): Promise<void>
  /** Resolves true when the node accepted and applied the terms. */
  updateSharing(resource: ResourceKind, settings: SharingSettings): Promise<boolean>
  /** Registers the resource on the ledger; true when the node submitted it. */
  registerAsset(resource: ResourceKind): Promise<boolean>
  /** Signs a lease for a peer; the lease, or why not. */
  issueLease(request: LeaseIssueRequest): Promise<Outcome<IssuedLease>>
  /** Uses a lease issued to this node once; what it moved, or why it did not work. */
  probeLease(request: LeaseProbeRequest): Promise<Outcome<LeaseProbeResult>>
  /** What a peer (peer id, multiaddr or proxy address) shows this node of its assets, or why not. */
  discoverFrom(from: string): Promise<Outcome<DiscoveredAsset[]>>
}

export interface HyperMeshActions
  extends
    ChainActions,
    SharingActions,
    FilesActions,
    JobsActions,
    WalletActions,
    ExchangeActions,
    HistoryActions {
  /** Subscribe to the node's events and poll while the page is visible. Returns the function that stops it. */
  start(): () => void
  refreshStatus(): Promise<void>
  refreshPeers(): Promise<void>
  refreshHardware(): Promise<void>
  refreshTransport(): Promise<void>
  loadInvite(): Promise<void>
  loadLanOffers(): Promise<void>
  /** Join the network an invite names. Resolves true on success. */
  join(invite: string): Promise<boolean>
  leave(): Promise<boolean>
  dismissJoinFeedback(): void
  /** What the carrier reports about the link itself. */
  setLink(state: 'connected' | 'reconnecting' | 'unauthorized'): void
}

export interface HyperMeshState {
  connection: ConnectionState
  node: NodeStatus | null
  /** When `node` arrived (local clock), so the uptime can tick between polls. */
  nodeReceivedAt: number | null
  peers: PeerInfo[]
  peersLoaded: boolean
  hardware: HardwareSnapshot | null
  /** STOQ's handshake and traffic measurements, with a one-minute throughput history. */
  transport: TransportStats | null
  network: NetworkArea
  chain: ChainArea
  sharing: SharingArea
  jobs: JobsArea
  wallet: WalletArea
  exchange: ExchangeArea
  /** The wallet view's account history. */
  history: HistoryArea
  /** The last failure of each read, cleared by its next success. */
  errors: Partial<Record<Area, string>>
  actions: HyperMeshActions
}

export type HyperMeshStore = StoreApi<HyperMeshState>

export interface StoreOptions {
  visibility?: VisibilitySource
  now?: () => number
  statusEveryMs?: number
  hardwareEveryMs?: number
  transportEveryMs?: number
  chainEveryMs?: number
  sharingEveryMs?: number
  /** How often the jobs view reads the list while a job is placing, running or verifying. */
  jobsActiveEveryMs?: number
  /** How often it reads the list and the jobs run for others otherwise. */
  jobsIdleEveryMs?: number
  /** How often the wallet view reads the wallet (for balances). */
  walletEveryMs?: number
  /** How often the exchange view reads the markets, the book and this node's orders. */
  exchangeEveryMs?: number
  /** How often the wallet view reads the newest page of the account history shown. */
  historyEveryMs?: number
}
