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
export type { ApiDispatcher } from './api/dispatcher'
export type { KeyProtector } from './identity/key-protector'
export type { NodeConfig, NodeConfigOverrides } from './config'
export { createHyperMeshNode } from './node'
export { startLocalApiServer, type LocalApiServer, type LocalApiServerInit } from './api/local-server'
export { contentTypeOf, uiFileFor, type UiFile } from './api/ui-files'
export { createPassphraseProtector, createMachineKeyProtector } from './identity/protectors'
export { logFilePath } from './logger'
export { createNetworkGenesis, GenesisDocument, type ValidatorCandidate } from '../consensus'
export type { HyperMeshNode, HyperMeshNodeInit } from './hypermesh-node'
export type { StartOptions, StartProgress } from './lifecycle'
