/**
 * The HyperMesh node: the composition root that owns config, data dir, identity, storage, the libp2p node,
 * the hardware adapters and the API service, and starts and stops them in one order.
 *
 * @example
 * ```ts
 * const node = await createHyperMeshNode({ dataDir: '/tmp/hm-a', mode: 'headless' })
 * await node.start()
 * const response = await node.api.dispatch({ id: 1, method: 'node.status', params: {} })
 * await node.stop()
 * ```
 */
import type { ApiDispatcher } from './api/dispatcher'
import type { KeyProtector } from './identity/key-protector'
import type { NodeConfig, NodeConfigOverrides } from './config'
import type { GenesisDocument, ValidatorCandidate } from './network/genesis'

export type { ApiDispatcher } from './api/dispatcher'
export type { KeyProtector } from './identity/key-protector'
export type { NodeConfig, NodeConfigOverrides } from './config'
export { createHyperMeshNode } from './node'
export { startLocalApiServer, type LocalApiServer, type LocalApiServerInit } from './api/local-server'
export { createPassphraseProtector, createMachineKeyProtector } from './identity/protectors'
export { logFilePath } from './logger'
export { createNetworkGenesis, GenesisDocument, type ValidatorCandidate } from './network/genesis'

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
  start(): Promise<void>
  stop(): Promise<void>
}
