/**
 * The HyperMesh API contract: every call and event between the UI and the node.
 *
 * It is carried twice, with the same meaning on both carriers:
 * - Electron IPC: preload exposes `window.hypermesh` (see {@link HyperMeshBridge}),
 *   main answers on {@link IPC_CHANNELS}.
 * - The local API of the headless daemon / browser mode: `POST /api/call` and a WebSocket at `/api/ws`,
 *   both requiring the access token (see {@link LOCAL_API}).
 *
 * @example
 * ```ts
 * const status = await api.call('node.status', {})
 * const off = api.on('peers.changed', (peers) => console.log(peers.length))
 * ```
 */
import { RewardsStatus } from './rewards'
import {
  FileFetched,
  FileReadChunk,
  FileRef,
  FileUploadBegin,
  FileUploadChunk,
  HolderCheck,
  StoredFileInfo,
} from './file-schemas'
import { z } from 'zod'
import {
  Empty,
  HardwareSnapshot,
  InviteText,
  LanOffer,
  NetworkInfo,
  NodeStatus,
  PeerInfo,
  TransportStats,
} from './schemas'

import {
  AccountQuery,
  AccountSummary,
  BlockCheck,
  BlockCheckRequest,
  BlocksQuery,
  BlockSummary,
  ChainStatus,
  StakeRequest,
  PayoutRequest,
  SubmitTxRequest,
  TransferReceipt,
  TransferRequest,
  ValidatorRequest,
  ValidatorSummary,
  JobOnLedger,
} from './chain-schemas'
import {
  AssetRegisterReceipt,
  AssetRegisterRequest,
  DiscoveredAsset,
  DiscoverRequest,
  IssuedLease,
  LeaseIssueRequest,
  LeaseProbeRequest,
  LeaseProbeResult,
  OwnAssetInfo,
  ProxyAddressText,
  ResolvedProxyAddress,
  SharingState,
  SharingUpdate,
} from './sharing-schemas'
import {
  JobEstimate,
  JobExample,
  JobRef,
  JobResultChunk,
  JobResultChunkRequest,
  JobSubmitRequest,
  JobSummary,
  JobUploadBegin,
  JobUploadChunk,
  ProvidedJob,
} from './jobs-schemas'
import {
  GpuAttached,
  GpuAttachRequest,
  GpuFinish,
  GpuHostRef,
  GpuJobsStatus,
  GpuOutputChunk,
  GpuPollResult,
  GpuTaskRead,
} from './gpu-schemas'

import {
  Contact,
  ContactRef,
  WalletAddAccountRequest,
  WalletBackup,
  WalletCreated,
  WalletCreateRequest,
  WalletImportRequest,
  WalletPassphraseChange,
  WalletRestoreRequest,
  WalletSendPreview,
  WalletSendRequest,
  WalletSent,
  WalletStatus,
  WalletUnlockRequest,
  WordsCheck,
  WordsCheckRequest,
} from './wallet-schemas'
import {
  BookQuery,
  CancelRequest,
  DeliveredFill,
  DeliveryRequest,
  MarketSummary,
  MyExchange,
  OrderBook,
  OrderDraft,
  OrderPreview,
  PlacedOrder,
  ShareOffer,
  ShareOfferRequest,
} from './exchange-schemas'
import { HistoryPage, HistoryQuery } from './history-schemas'

export * from './schemas'
export * from './chain-schemas'
export * from './sharing-schemas'
export * from './rewards'
export * from './file-schemas'
export * from './jobs-schemas'
export * from './wallet-schemas'
export * from './exchange-schemas'
export * from './history-schemas'
export * from './gpu-schemas'

/** Every call: its params schema and its result schema. */
export const apiMethods = {
  /** Identity, network, listen addresses and uptime of this node. */
  'node.status': { params: Empty, result: NodeStatus },
  /** Peers of this node's network that are connected now. */
  'peers.list': { params: Empty, result: z.array(PeerInfo) },
  /** STOQ's measurements: handshakes, traffic per connection and in total, one minute of history. */
  'transport.stats': { params: Empty, result: TransportStats },
  /** This machine's hardware as the asset adapters read it. */
  'hardware.snapshot': { params: Empty, result: HardwareSnapshot },
  /** An invite to this node's current network, as text to share: it admits its holder for 7 days. */
  'network.invite': { params: Empty, result: z.object({ invite: z.string() }) },
  /** Join the network an invite names; on any error nothing changes. */
  'network.join': { params: InviteText, result: NetworkInfo },
  /** Leave the current network and go back to this node's own devnet. */
  'network.leave': { params: Empty, result: NetworkInfo },
  /** HyperMesh nodes on the LAN (mDNS) that are not known members of this network: their users can invite. */
  'network.lanOffers': { params: Empty, result: z.array(LanOffer) },
  /** The ledger of the current network: height, this node's role, balance and stake. */
  'chain.status': { params: Empty, result: ChainStatus },
  /** Committed blocks, newest first, with their four proofs. */
  'chain.blocks': { params: BlocksQuery, result: z.array(BlockSummary) },
  /** The validators of the next block, by stake. */
  'chain.validators': { params: Empty, result: z.array(ValidatorSummary) },
  /** One account's balance, stake and nonce (zeros for an address never used). */
  'chain.account': { params: AccountQuery, result: AccountSummary },
  /** A job's record on this node's ledger: escrow, what it paid whom, evidence against outvoted providers. */
  'chain.job': { params: JobRef, result: JobOnLedger },
  /**
   * Sign a transfer with this node's FALCON-1024 key and submit it; refusals say why. The answer is
   * pending: the transfer is done once a block commits it (chain.status ownTxs).
   */
  'chain.transfer': { params: TransferRequest, result: TransferReceipt },
  /** Bond this node's CAESAR as stake (signed with its key); refusals say why. */
  /** Pays this node's earnings to another account (a wallet's) from now on; its own address pays them to itself. */
  'chain.setPayout': { params: PayoutRequest, result: TransferReceipt },
  'chain.stake': { params: StakeRequest, result: TransferReceipt },
  /** Start unbonding stake; it is spendable after the bonding period. */
  'chain.unstake': { params: StakeRequest, result: TransferReceipt },
  /** Join the validator set with this node's bonded stake, plot and peer id; it signs from the next block on. */
  'chain.joinValidators': { params: ValidatorRequest, result: TransferReceipt },
  /** Leave the validator set (the stake stays bonded until unstaked). */
  'chain.leaveValidators': { params: ValidatorRequest, result: TransferReceipt },
  /** Submit a transaction signed elsewhere; refusals say why. */
  'chain.submitTx': { params: SubmitTxRequest, result: TransferReceipt },
  /** Verify one stored block's commit and four proofs again, now. */
  'chain.verifyBlock': { params: BlockCheckRequest, result: BlockCheck },
  /** Each resource's sharing terms, what this machine enforces of them, and live use against the limits. */
  'sharing.state': { params: Empty, result: SharingState },
  /** New terms for one resource, checked against this machine, stored and applied at once. */
  'sharing.update': { params: SharingUpdate, result: SharingState },
  /** This node's assets on the current network, each with its global proxy address. */
  'assets.list': { params: Empty, result: z.array(OwnAssetInfo) },
  /** Register one of this node's shared assets on the ledger, with its four proofs. */
  'assets.register': { params: AssetRegisterRequest, result: AssetRegisterReceipt },
  /**
   * Assets registered on this network's ledger, each with its owner's peer and proxy address; or, `from` a
   * peer (peer id, multiaddr or proxy address), what that peer's privacy levels show this node.
   */
  'assets.discover': { params: DiscoverRequest, result: z.array(DiscoveredAsset) },
  /** The asset and serving peer a proxy address names (through the ledger's registered assets first). */
  'assets.resolve': {
    params: z.object({ address: ProxyAddressText }).strict(),
    result: ResolvedProxyAddress,
  },
  /** Use a lease issued to this node once: write and read back a probe through the owner's proxy. */
  'assets.probeLease': { params: LeaseProbeRequest, result: LeaseProbeResult },
  /** Sign a lease on one of this node's shared resources for a peer (peer id or proxy address) its privacy level allows. */
  'assets.issueLease': { params: LeaseIssueRequest, result: IssuedLease },
  /** The reward schedule in force, this node's earnings per epoch and resource, and its usage receipts. */
  'rewards.status': { params: Empty, result: RewardsStatus },
  /** The person's wallet on this node: its accounts (with balances), whether it is locked. */
  'wallet.status': { params: Empty, result: WalletStatus },
  /** A new wallet sealed under this passphrase; its 24 recovery words are returned this once. */
  'wallet.create': { params: WalletCreateRequest, result: WalletCreated },
  /** The wallet of these recovery words, sealed under a new passphrase; bad words are named. */
  'wallet.restore': { params: WalletRestoreRequest, result: WalletStatus },
  /** What is wrong with recovery words as typed, or nothing. */
  'wallet.checkWords': { params: WordsCheckRequest, result: WordsCheck },
  'wallet.unlock': { params: WalletUnlockRequest, result: WalletStatus },
  'wallet.lock': { params: Empty, result: WalletStatus },
  'wallet.changePassphrase': { params: WalletPassphraseChange, result: WalletStatus },
  /** One more account from the same words (the passphrase seals the file again with it listed). */
  'wallet.addAccount': { params: WalletAddAccountRequest, result: WalletStatus },
  /** The sealed wallet file, to keep as a backup. */
  'wallet.exportBackup': { params: Empty, result: WalletBackup },
  /** A backup file, kept once its passphrase opens it. */
  'wallet.importBackup': { params: WalletImportRequest, result: WalletStatus },
  /** What a transfer from a wallet account would do: fee, balance after, and why it could not be sent. */
  'wallet.previewSend': { params: WalletSendRequest, result: WalletSendPreview },
  /** Signs a transfer with a wallet account (unlocked) and submits it; pending until committed. */
  'wallet.send': { params: WalletSendRequest, result: WalletSent },
  /** The address book the node keeps (every window on it sees the same one), sorted by name. */
  'wallet.contacts': { params: Empty, result: z.array(Contact) },
  /** Adds a contact, or renames one kept at that address; the book as it is after. */
  'wallet.saveContact': { params: Contact, result: z.array(Contact) },
  'wallet.removeContact': { params: ContactRef, result: z.array(Contact) },
  /** Every change to an account's balance or stake, pending and committed, newest first, by category. */
  'chain.history': { params: HistoryQuery, result: HistoryPage },
  /** Each resource market: its unit, best bid and ask, and the last price. */
  'exchange.markets': { params: Empty, result: z.array(MarketSummary) },
  /** One market's book by price level, best first, and its recent trades. */
  'exchange.book': { params: BookQuery, result: OrderBook },
  /** What an order would fill now and at what average price, what would rest, and what it costs. */
  'exchange.preview': { params: OrderDraft, result: OrderPreview },
  /** Signs and submits a limit order (node account, or an unlocked wallet account); pending until committed. */
  'exchange.place': { params: OrderDraft, result: PlacedOrder },
  /** Signs and submits the cancel of one of this node's or the wallet's resting orders. */
  'exchange.cancel': { params: CancelRequest, result: z.object({ txId: z.string() }) },
  /** The orders and trades of this node's account and the wallet's accounts. */
  'exchange.mine': { params: Empty, result: MyExchange },
  /** Asks the seller of a fill this node holds for its lease; its use is paid from the fill's escrow. */
  'exchange.takeDelivery': { params: DeliveryRequest, result: DeliveredFill },
  /** Offers hours of this node's shared allocation at its sharing terms' minimum price (a sell order). */
  'exchange.offerShare': { params: ShareOfferRequest, result: ShareOffer },
  /** Store a file sharded and encrypted on peers: begin, send its bytes in order, then finish (places it). */
  'files.beginUpload': { params: FileUploadBegin, result: z.object({ uploadId: z.string() }) },
  'files.uploadChunk': { params: FileUploadChunk, result: z.object({ received: z.number().int() }) },
  'files.finishUpload': { params: z.object({ uploadId: z.string() }).strict(), result: StoredFileInfo },
  /** Give up an upload: the memory it holds is free at once (an upload left alone is dropped in 2 min). */
  'files.cancelUpload': {
    params: z.object({ uploadId: z.string() }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  /** Files this node stored on peers. */
  'files.list': { params: Empty, result: z.array(StoredFileInfo) },
  /** Get a stored file back from its holders, then read it in chunks. */
  'files.fetch': { params: FileRef, result: FileFetched },
  'files.readChunk': { params: FileReadChunk, result: z.object({ data: z.string() }) },
  /** Challenge each holder for a random block of its shard. */
  'files.check': { params: FileRef, result: z.array(HolderCheck) },
  /** Delete the shards from the holders that answer, and forget the file. */
  'files.remove': { params: FileRef, result: z.object({ removedFrom: z.number().int() }) },
  /** Ready jobs a new user can run in one click. */
  'jobs.examples': { params: Empty, result: z.array(JobExample) },
  /** Starts sending a job's code or input; chunks follow, then `jobs.submit` names the upload. */
  'jobs.beginUpload': { params: JobUploadBegin, result: z.object({ uploadId: z.string() }) },
  'jobs.uploadChunk': { params: JobUploadChunk, result: z.object({ received: z.number().int() }) },
  /** What a job would cost and whether providers could take it now; nothing is sent or charged. */
  'jobs.estimate': { params: JobSubmitRequest, result: JobEstimate },
  /** Signs the job, holds its budget in escrow and places it on providers. */
  'jobs.submit': { params: JobSubmitRequest, result: JobSummary },
  /** This node's jobs, newest first. */
  'jobs.list': { params: Empty, result: z.array(JobSummary) },
  'jobs.get': { params: JobRef, result: JobSummary },
  /** Stops a job still placing or running; providers are paid for the time they used. */
  'jobs.cancel': { params: JobRef, result: JobSummary },
  /** Part of an accepted job's output. */
  'jobs.readResult': { params: JobResultChunkRequest, result: JobResultChunk },
  /** Jobs this node ran for other peers, and what each earned. */
  'jobs.provided': { params: Empty, result: z.array(ProvidedJob) },
  /** Where this node's GPU jobs run now (an adapter in the daemon, or a page's), or why nowhere. */
  'gpu.status': { params: Empty, result: GpuJobsStatus },
  /**
   * A page lends its WebGPU adapter to the node for GPU jobs; it then polls for tasks (gpu-schemas.ts).
   * `gpu.readTask` reads a task's code and input, `gpu.output` sends its output, `gpu.finish` ends it.
   */
  'gpu.attach': { params: GpuAttachRequest, result: GpuAttached },
  'gpu.detach': { params: GpuHostRef, result: z.object({ detached: z.boolean() }) },
  /** Waits up to GPU_POLL_WAIT_MS for a task for this page; NOT_FOUND once the node dropped the page. */
  'gpu.poll': { params: GpuHostRef, result: GpuPollResult },
  'gpu.readTask': { params: GpuTaskRead, result: z.object({ data: z.string() }) },
  'gpu.output': { params: GpuOutputChunk, result: z.object({ received: z.number().int() }) },
  'gpu.finish': { params: GpuFinish, result: z.object({ accepted: z.boolean() }) },
} as const

/** Events the node pushes to the UI. */
export const apiEvents = {
  'peers.changed': z.array(PeerInfo),
  'network.changed': NetworkInfo,
  'lan.offers': z.array(LanOffer),
  /** A block this node committed (by consensus or by sync). */
  'chain.block': BlockSummary,
  /** A job of this node changed state (placing, running, verifying, done, failed). */
  'jobs.changed': JobSummary,
} as const

export type ApiMethod = keyof typeof apiMethods
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiMethods)[M]['params']>
export type ApiResult<M extends ApiMethod> = z.output<(typeof apiMethods)[M]['result']>
export type ApiEvent = keyof typeof apiEvents
export type ApiEventPayload<E extends ApiEvent> = z.output<(typeof apiEvents)[E]>

export const isApiMethod = (name: unknown): name is ApiMethod =>
  typeof name === 'string' && Object.hasOwn(apiMethods, name)

/** What went wrong, in a form the UI can act on. */
export const ApiErrorCode = z.enum([
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'INVALID_INVITE',
  'WRONG_NETWORK',
  'UNREACHABLE',
  'NOT_FOUND',
  'BUSY',
  'INTERNAL',
  'DISCONNECTED',
])
export type ApiErrorCode = z.infer<typeof ApiErrorCode>

export class ApiError extends Error {
  readonly code: ApiErrorCode
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ApiError'
    this.code = code
  }
}

/** Request envelope, the same on both carriers. */
export const RpcRequest = z
  .object({
    id: z.number().int().nonnegative(),
    method: z.string().min(1).max(64),
    params: z.unknown(),
  })
  .strict()
export type RpcRequest = z.infer<typeof RpcRequest>

export const RpcError = z.object({ code: ApiErrorCode, message: z.string() })
export const RpcResponse = z.discriminatedUnion('ok', [
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: RpcError }),
])
export type RpcResponse = z.infer<typeof RpcResponse>

export const RpcEvent = z.object({ event: z.string(), payload: z.unknown() })
export type RpcEvent = z.infer<typeof RpcEvent>

/** The typed API both UIs program against, whichever carrier is underneath. */
export interface HyperMeshApi {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void
}

/** Exactly what preload exposes as `window.hypermesh`; nothing else crosses the bridge. */
export interface HyperMeshBridge {
  call(request: RpcRequest): Promise<RpcResponse>
  onEvent(listener: (event: RpcEvent) => void): () => void
}

export const IPC_CHANNELS = {
  call: 'hypermesh:call',
  event: 'hypermesh:event',
} as const

export const LOCAL_API = {
  callPath: '/api/call',
  wsPath: '/api/ws',
  /** WebSocket subprotocol of this contract; the token travels as a second one, `bearer.<token>`. */
  wsProtocol: 'hypermesh.v1',
  tokenProtocolPrefix: 'bearer.',
  /** Largest request body or WebSocket message the node reads. */
  maxMessageBytes: 64 * 1024,
} as const
