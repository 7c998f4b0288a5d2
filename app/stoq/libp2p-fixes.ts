/**
 * Fixes to js-libp2p behaviour that HyperMesh needs now, each with the version it was found in. Each fix
 * checks the shape it patches and throws if that shape is gone, so an upgrade that changes it fails loudly
 * (and the fix can be dropped once upstream has its own).
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'

interface ConnectionManagerInternals {
  connections: { values(): Iterable<Connection[]> }
  getConnections(peerId?: PeerId): Connection[]
}

/**
 * libp2p 3.3.11, ConnectionManager.getConnections(): with no peer id it builds the list by repeated
 * `concat`, copying the growing array once per peer — O(N²) in the number of peers. It runs for every
 * accepted connection and every `connection:open` (the pruner), so with thousands of peers it took most of
 * a core (bench/connections.ts, profiled). This returns the same connections in the same order in O(N).
 */
export function fixQuadraticGetConnections(libp2p: Libp2p): void {
  const manager = (
    libp2p as unknown as { components?: { connectionManager?: Partial<ConnectionManagerInternals> } }
  ).components?.connectionManager
  if (
    manager?.connections == null ||
    typeof manager.connections.values !== 'function' ||
    typeof manager.getConnections !== 'function'
  ) {
    throw new Error('libp2p connection manager internals changed: review app/stoq/libp2p-fixes.ts')
  }
  const byPeer = manager.getConnections.bind(manager)
  const connections = manager.connections
  manager.getConnections = (peerId?: PeerId): Connection[] =>
    peerId != null ? byPeer(peerId) : [...connections.values()].flat()
}

interface AddressManagerInternals {
  /** A debounced function (@libp2p/utils debounce): callable, with a stop() that cancels it. */
  _updatePeerStoreAddresses: (() => void) & { stop?: () => void }
}

/**
 * libp2p 3.3.11, AddressManager: listeners closing at stop() schedule a debounced peer-store update
 * (1 s) that nothing cancels, so a stopped node still runs it a second later. After this, the node's
 * stop() cancels it, and stop leaves no timer behind (test/node-lifecycle.test.ts).
 */
export function cancelAddressUpdatesOnStop(libp2p: Libp2p): void {
  const manager = (
    libp2p as unknown as { components?: { addressManager?: Partial<AddressManagerInternals> } }
  ).components?.addressManager
  const cancel = manager?._updatePeerStoreAddresses?.stop
  if (typeof manager?._updatePeerStoreAddresses !== 'function' || typeof cancel !== 'function')
    throw new Error('libp2p address manager internals changed: review app/stoq/libp2p-fixes.ts')
  const stop = libp2p.stop.bind(libp2p)
  libp2p.stop = async () => {
    await stop()
    cancel()
  }
}
