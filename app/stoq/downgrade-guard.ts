/**
 * Classical Noise is chosen in the clear, by multistream-select: an attacker in the path can refuse
 * `/stoq/1.0.0` so that both ends fall back to `/noise`, with no post-quantum secrecy and no FALCON
 * authentication. Where a node offers Noise at all (a network whose genesis allows it), this wrapper
 * refuses it from every peer known to speak STOQ (./peer-keys.ts): before the handshake when dialing a
 * known peer, after it when the peer turns out to be one. Each refusal is counted in the STOQ metrics.
 */
import { serviceCapabilities } from '@libp2p/interface'
import type {
  ConnectionEncrypter,
  MessageStream,
  SecureConnectionOptions,
  SecuredConnection,
} from '@libp2p/interface'
import type { StoqMetrics } from './metrics'
import type { PeerKeyDirectory } from './peer-keys'

export class DowngradeRefusedError extends Error {
  constructor(peerId: string) {
    super(`refused classical Noise with ${peerId}: it is known to speak STOQ, so this is a downgrade`)
    this.name = 'DowngradeRefusedError'
  }
}

export interface DowngradeGuardInit {
  peerKeys: PeerKeyDirectory
  metrics: StoqMetrics
}

class GuardedEncrypter<Extension> implements ConnectionEncrypter<Extension> {
  readonly protocol: string
  readonly [Symbol.toStringTag] = 'hypermesh/classical-noise-guard'
  readonly [serviceCapabilities]: string[]

  constructor(
    private readonly inner: ConnectionEncrypter<Extension>,
    private readonly init: DowngradeGuardInit,
  ) {
    this.protocol = inner.protocol
    this[serviceCapabilities] = ['@libp2p/connection-encryption']
  }

  async secureOutbound(
    connection: MessageStream,
    options?: SecureConnectionOptions,
  ): Promise<SecuredConnection<Extension>> {
    const dialed = options?.remotePeer?.toString()
    if (dialed != null && this.init.peerKeys.speaksStoq(dialed)) this.refuse(dialed)
    return this.checked(await this.inner.secureOutbound(connection, options))
  }

  async secureInbound(
    connection: MessageStream,
    options?: SecureConnectionOptions,
  ): Promise<SecuredConnection<Extension>> {
    return this.checked(await this.inner.secureInbound(connection, options))
  }

  private checked(secured: SecuredConnection<Extension>): SecuredConnection<Extension> {
    const peer = secured.remotePeer.toString()
    if (this.init.peerKeys.speaksStoq(peer)) {
      secured.connection.abort(new DowngradeRefusedError(peer))
      this.refuse(peer)
    }
    return secured
  }

  private refuse(peer: string): never {
    this.init.metrics.downgradeRefused(peer)
    throw new DowngradeRefusedError(peer)
  }
}

/** Wraps a classical encrypter factory (`noise()`) so that peers known to speak STOQ cannot use it. */
export function refuseDowngrades<Extension, Components>(
  inner: (components: Components) => ConnectionEncrypter<Extension>,
  init: DowngradeGuardInit,
): (components: Components) => ConnectionEncrypter<Extension> {
  return (components) => new GuardedEncrypter(inner(components), init)
}
