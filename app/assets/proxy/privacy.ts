/**
 * Who may use a resource under its privacy level, decided per request on the authenticated peer id of
 * the STOQ connection: this is where a level is enforced, not only shown.
 */
import type { SharingSettings } from '../../../shared/sharing-schemas'

export interface NetworkView {
  /** The network this node is on now. */
  activeNetworkId: string
  /** Whether the peer is a member of that network (its membership was checked). */
  isMember(peer: string): boolean
}

/** Null when `peer` may use the resource; otherwise why not, in words. */
export function refusalFor(settings: SharingSettings, peer: string, network: NetworkView): string | null {
  if (!settings.enabled) return 'this resource is not shared'
  switch (settings.privacy) {
    case 'Private':
      return 'this resource is private: no remote use'
    case 'P2P':
      return settings.trustedPeers.includes(peer) ? null : 'this resource is shared only with trusted peers'
    // Use is the same for both: members of a network the owner named. They differ in announcement (a
    // public network's resources are listed to all its members) and in reward.
    case 'PrivateNetwork':
    case 'PublicNetwork':
      if (!settings.networks.includes(network.activeNetworkId))
        return 'this resource is shared only on networks its owner named, and this is not one of them'
      return network.isMember(peer) ? null : 'this resource is shared only with members of its network'

    case 'FullPublic':
      return null
  }
}
