/** What a HyperMesh node is and how one is made: the node's face, kept apart from its composition. */
import type { ApiDispatcher } from './api/dispatcher'
import type { KeyProtector } from './identity/key-protector'
import type { NodeConfig, NodeConfigOverrides } from './config'
import type { GenesisDocument, ValidatorCandidate } from '../consensus'
import type { StartOptions } from './lifecycle'
import type { Logger } from 'pino'
import type { JobEngine } from '../jobs'

export interface HyperMeshNodeInit {
  /** Where this node keeps everything: config, keys, database, logs. Created if missing. */
  dataDir: string
  mode: 'desktop' | 'headless'
  /** Protects the secret keys at rest. Default: HYPERMESH_PASSPHRASE if set, else a per-user machine key. */
  keyProtector?: KeyProtector
  /** Settings that win over the data dir's config.json for this run (command-line flags). */
  config?: NodeConfigOverrides
  /** Also log to stdout (pretty for a terminal); the log file in the data dir is always written. */
  logToConsole?: boolean
  /** Join the network this genesis describes and make it active (testnets made of several validators). */
  genesis?: GenesisDocument
  /**
   * Seconds since the last keyboard or mouse input, for the "only when idle" and "pause when I use it"
   * sharing terms. The desktop app passes Electron's powerMonitor; a headless node cannot tell.
   */
  idleSeconds?: () => number | null
  /**
   * How this node runs other peers' jobs; default the sandbox process per job (app/jobs). A host that
   * can run more (the desktop app's GPU window) passes its own.
   */
  jobEngine?: (log: Logger) => JobEngine
}

export interface HyperMeshNode {
  /** The API service behind both carriers. */
  readonly api: ApiDispatcher
  readonly dataDir: string
  /** The libp2p peer id, known once the identity is loaded (at creation). */
  readonly peerId: string
  /** The settings in force for this run (config.json plus overrides). */
  readonly config: NodeConfig
  /** The log file, for error messages that point people at it. */
  readonly logFile: string
  /** What a genesis needs to make this node a validator: its peer id, FALCON key and plot commitment. */
  readonly validatorCandidate: ValidatorCandidate
  /**
   * Starts the node's services in order; one that fails, or a cancel through `options.signal`, stops
   * what had started, and the node can be started again.
   */
  start(options?: StartOptions): Promise<void>
  stop(): Promise<void>
}
