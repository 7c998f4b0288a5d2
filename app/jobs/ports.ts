/**
 * What the jobs subsystem needs from the rest of the node, each as a narrow interface: the node satisfies
 * them with the ledger (app/consensus), its sharing terms and leased-work group (app/assets) and its
 * network, without this subsystem importing app/assets or app/node.
 */
import type { ChildProcess, StdioOptions } from 'node:child_process'
import type { DatabaseSync } from 'node:sqlite'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { JobSummary } from '../../shared/jobs-schemas'
import type { PrivacyLevel } from '../../shared/sharing-schemas'
import type { TxBody } from '../consensus'

/** The owner's leased-work group, as jobs use it (app/assets/limits LimitedGroup satisfies it). */
export interface WorkGroup {
  readonly paused: boolean
  spawn(
    command: string,
    args: readonly string[],
    options?: { stdio?: StdioOptions; env?: NodeJS.ProcessEnv; cwd?: string },
  ): ChildProcess
  usage(): Promise<{ cpuSeconds: number; memoryBytes: number; memoryCapHits: number }>
}

/** A job's escrow as the ledger holds it. */
export interface EscrowView {
  payer: string
  /** What is left of the budget. */
  remaining: bigint
  open: boolean
  /** Until when its payer may settle it; providers claim in the hour after, then the payer is refunded. */
  settleBy: number
  /** What it has paid in all, by settlement or claims. */
  paidTotal: bigint
}

/** The active network's ledger, as jobs read it. */
export interface JobsLedgerView {
  readonly networkId: string
  /** The time of its last block. */
  readonly timeMs: number
  readonly minFee: bigint
  escrow(jobId: string): EscrowView | null
  /** Whether the ledger records evidence against `account` for `jobId` (it was outvoted). */
  outvoted(account: string, jobId: string): boolean
  /** What the settled escrow paid `account` for `jobId`; null while unsettled or unknown. */
  paidTo(account: string, jobId: string): bigint | null
  balance(address: string): bigint
  /** The account address of a FALCON public key (base64), or null for anything that is not one. */
  addressOfKey(publicKeyBase64: string): string | null
  /** Peers whose CPU assets are registered on the ledger. */
  cpuAssetPeers(): string[]
}

type Envelope = 'chainId' | 'from' | 'publicKey' | 'nonce' | 'fee'
export type JobTxBody = Extract<TxBody, { kind: 'job-escrow' | 'job-settle' | 'job-refund' }>
export type UnsignedJobTx = JobTxBody extends infer T
  ? T extends unknown
    ? Omit<T, Envelope>
    : never
  : never

/** What a job runs on: a runtime's resource (JOB_RUNTIME_INFO). */
export type JobResource = 'cpu' | 'gpu'

/** This node's CPU and GPU offer to jobs from other peers, from each resource's sharing terms. */
export interface ProviderTerms {
  /**
   * Null when `peer` may use this node's `resource` under its privacy level; else why not. Without a
   * resource (before the offer is read): null when it may use either.
   */
  refusalFor(peer: string, resource?: JobResource): string | null
  privacy(resource: JobResource): PrivacyLevel
  /**
   * The price asked, CAESAR units per core-hour of CPU time, or per GPU-hour of GPU time (the minimum
   * price over the allocation).
   */
  pricePerCoreHour(resource: JobResource): bigint
  /**
   * The share offered now, in thousandths of a core (CPU, of all cores) or of one GPU; 0 while the
   * resource is not shared, inactive, or (GPU) has no adapter for jobs.
   */
  offerMillicores(resource: JobResource): bigint
  /** Jobs run at once, at most (the terms' leases at a time). */
  maxConcurrent(): number
  /** Where leased work runs; null where nothing can limit it (then no job is taken). */
  group(): WorkGroup | null
}

export interface JobsServiceParts {
  libp2p: Libp2p
  db: DatabaseSync
  peerId: string
  /** This node's FALCON-1024 account key: it signs specs (as submitter) and work receipts (as provider). */
  falcon: { publicKey: Uint8Array; secretKey: Uint8Array }
  activeNetworkId(): string
  /** The active network's ledger, or null when there is none yet. */
  ledger(): JobsLedgerView | null
  /** Signs a transaction of this node's account and submits it; throws with the reason when refused. */
  submitTx(body: UnsignedJobTx): { txId: string }
  /** Calls `listener` after every block of the active ledger; returns the unsubscribe. */
  onBlock(listener: () => void): () => void
  /** Peers to ask for a job on `resource`: members of the network and servers of its registered assets. */
  candidates(resource: JobResource): string[]
  /** A connection to `peer` (direct, or through a relay). */
  reach(peer: string): Promise<Connection>
  provider: ProviderTerms
  /** Tells the UI a job changed. */
  changed(summary: JobSummary): void
  log: Logger
  now?: () => number
}
