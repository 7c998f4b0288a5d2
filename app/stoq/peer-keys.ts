/**
 * What a node knows of other peers' FALCON-1024 keys. The handshake checks the key a peer proves against
 * the one bound to its peer id, so that its FALCON signature authenticates that peer and not merely some
 * key; the classical-Noise guard (./downgrade-guard.ts) refuses peers known to speak STOQ. The node
 * satisfies this port from the ledger's peer bindings, its network's genesis and the peers that completed
 * STOQ handshakes with it (app/node/network/peer-key-book.ts).
 */
export interface PeerKeyDirectory {
  /** The FALCON-1024 key bound to `peerId` (by the ledger or the network's genesis), if one is known. */
  boundFalconKey(peerId: string): Uint8Array | undefined
  /** Whether `peerId` is known to have a FALCON key or to have spoken STOQ with this node before. */
  speaksStoq(peerId: string): boolean
  /** A STOQ handshake just proved that `peerId` holds `falconKey`. */
  provedFalconKey(peerId: string, falconKey: Uint8Array): void
}

/** The peer proved a FALCON key other than the one bound to its peer id. */
export class FalconKeyMismatchError extends Error {
  constructor(peerId: string) {
    super(`the FALCON-1024 key of ${peerId} is not the one bound to its peer id`)
    this.name = 'FalconKeyMismatchError'
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])

/** Throws FalconKeyMismatchError when `peerId` has a bound key and `falconKey` is not it. */
export function checkBoundFalconKey(
  directory: PeerKeyDirectory | undefined,
  peerId: string,
  falconKey: Uint8Array,
): void {
  const bound = directory?.boundFalconKey(peerId)
  if (bound != null && !sameBytes(bound, falconKey)) throw new FalconKeyMismatchError(peerId)
}
