/**
 * Consensus: the ledger. A network is its genesis document; its chain is agreed by Tendermint-style BFT
 * among stake-weighted validators, every block carrying four proofs (PoTime, PoSpace, PoWork, PoStake).
 * This face is what the rest of the node may use:
 *
 * - the ledger of the active network ({@link ActiveLedger}), a running chain on libp2p and SQLite;
 * - genesis documents and network ids;
 * - the signed records the ledger encodes for other subsystems (leases, usage receipts, peer bindings, job
 *   specs and work receipts; jobs/escrow.ts holds the ledger's job escrow rules), one
 *   convention for all (records/conventions.ts);
 * - the canonical codec, signature schemes and proofs that those records and peers' requests use;
 * - the reward schedule's exact arithmetic;
 * - the ledger's errors: {@link LedgerRejection} (a rule of the ledger refused something) and
 *   {@link LedgerRequestError} (a request it could not serve).
 *
 * The pure state machine (tendermint.ts, chain.ts, execute.ts) is not part of the face: the simulator in
 * test/sim drives it directly.
 *
 * @example
 * ```ts
 * const ledger = new ActiveLedger({ db, dataDir, falcon, peerId, log, libp2p, members, isMember,
 *   listenAddresses, signatureWorkers: null })
 * ledger.onBlock((block) => console.log('committed', block.height))
 * await ledger.switchTo({ networkId, name, genesis })
 * ledger.need().transfer({ to, amount: '1000', fee: '10' })
 * await ledger.stop()
 * ```
 */
export { ActiveLedger, type ActiveLedgerParts, type LedgerNetwork } from './ledger/active-ledger'
export type { Ledger } from './ledger/ledger'
export type { TxVerifierThreads } from './ledger/signature-pool'
export { loadOrCreatePlot } from './ledger/plot-file'

export {
  allowsClassicalNoise,
  createDevnetGenesis,
  createNetworkGenesis,
  DEVNET_PARAMS,
  GenesisDocument,
  genesisTimeMs,
  networkIdOf,
  type ValidatorCandidate,
} from './genesis'
export { DEFAULT_PARAMS, HashText, type ChainParams, type ProofParams } from './params'
export { LedgerRejection, LedgerRequestError, type RejectionCode } from './errors'
export type { AssetRegistration } from './asset-registration'
export {
  EMPTY_ACCOUNT,
  LedgerState,
  type AssetRecord,
  type JobEscrow,
  type JobEvidence,
  type LeaseEscrow,
  type OrderRecord,
  type PeerBindingRecord,
} from './state'
export type { OwnTxRecord } from './ledger/own-txs'
export {
  addressOf,
  txId,
  txSignatureVerdict,
  type SignedTx,
  type TxBody,
  type TxKindBody,
  type TxSignatureFailure,
} from './tx'

export {
  decodeLease,
  encodeLease,
  LeaseError,
  leaseSignatureValid,
  MAX_LEASE_BYTES,
  MAX_LEASE_MS,
  signLease,
  SignedLease,
  verifyLease,
  type LeaseRefusal,
  type LeaseTerms,
} from './records/lease'
export { receiptRefusal, signUsageReceipt, SignedUsageReceipt } from './records/usage-receipt'
export { RECORDS_VERSION } from './records/conventions'
export {
  peerBindingRefusal,
  signPeerBinding,
  SignedPeerBinding,
  type IdentitySigner,
} from './records/peer-binding'
export { holderKeyRefusal } from './peer-bindings'
export { JOB_CLAIM_WINDOW_MS, SETTLE_WINDOW_MS } from './jobs/escrow'
export { jobOnLedger } from './jobs/job-record'
export { MARKETS, MAX_OPEN_ORDERS_PER_ACCOUNT, type Market, type MarketInfo } from './exchange/markets'
export { bookSide, planFills, restingOrders, type PlannedFill } from './exchange/order-book'
export { RELEASE_WINDOW_MS } from './exchange/lease-escrow'
export { MAX_SETTLE_RECEIPTS } from './tx'

export { DEFAULT_REWARD_SCHEDULE, epochOf, parseUsageKey, rewardFor, scheduleOf } from './rewards/schedule'

export { canonicalBytes, fromBase64, hashOf, signingBytes, toBase64, type Hash } from './codec'
export { inclusionProof, leafHash, merkleRoot, verifyInclusionProof } from './merkle'
export {
  falcon1024Scheme,
  falconSignatureProblem,
  LEDGER_SCHEMES,
  type LedgerSchemeName,
  type SignatureScheme,
} from './signature-scheme'
export { evaluateVdf, verifyVdf } from './proofs/vdf'
export { solveWork, verifyWork } from './proofs/work'
export {
  decodeJobSpec,
  encodeJobSpec,
  JobLimits,
  JobSpec,
  JobSpecError,
  MAX_JOB_CODE_BYTES,
  MAX_JOB_INPUT_BYTES,
  MAX_JOB_WALL_MS,
  signJobSpec,
  SignedJobSpec,
  verifyJobSpec,
} from './records/job-spec'
export {
  SignedWorkReceipt,
  signWorkReceipt,
  WorkReceipt,
  workCost,
  workReceiptRefusal,
} from './records/work-receipt'
