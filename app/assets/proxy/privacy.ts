/**
 * What each privacy level means, decided on the peer id the STOQ handshake authenticated: who may use a
 * resource (every lease grant and every proxy stream asks), who may see it (the asset listing a peer asks
 * this node for), and whether it may be put on the active network's ledger, which every member reads.
 *
 * | level          | sees and uses                                                          | on the ledger |
 * | -------------- | ---------------------------------------------------------------------- | ------------- |
 * | Private        | nobody                                                                 | never         |
 * | P2P            | the trusted peer ids                                                   | never         |
 * | PrivateNetwork | members of a named network that this node has admitted itself         | named network |
 * | PublicNetwork  | any peer of a named network: members, and peers its ledger names       | named network |
 * | FullPublic     | anyone                                                                 | yes           |
 *
 * "Peers its ledger names" are the active validators and the servers of registered assets: peers that
 * proved stake or space to the network, whether or not they are connected to it as members now.
 */
import type { SharingSettings } from '../../../shared/sharing-schemas'

export interface NetworkView {
  /** The network this node is on now. */
  activeNetworkId: string
  /** Whether this node has admitted the peer as a member of that network (its membership was checked). */
  isMember(peer: string): boolean
  /** Whether the network's ledger names the peer (a validator, or the server of a registered asset). */
  onLedger?(peer: string): boolean
}

/** Null when `peer` may use the resource; otherwise why not, in words. */
export function refusalFor(settings: SharingSettings, peer: string, network: NetworkView): string | null {
  if (!settings.enabled) return 'this resource is not shared'
  switch (settings.privacy) {
    case 'Private':
      return 'this resource is private: no remote use'
    case 'P2P':
      return settings.trustedPeers.includes(peer) ? null : 'this resource is shared only with trusted peers'
    case 'PrivateNetwork':
      if (!settings.networks.includes(network.activeNetworkId)) return notNamed
      return network.isMember(peer)
        ? null
        : 'this resource is shared only with members of its private network that this node has admitted'
    case 'PublicNetwork':
      if (!settings.networks.includes(network.activeNetworkId)) return notNamed
      return network.isMember(peer) || network.onLedger?.(peer) === true
        ? null
        : 'this resource is shared only with peers of its network: members, or peers its ledger names'
    case 'FullPublic':
      return null
  }
}

const notNamed = 'this resource is shared only on networks its owner named, and this is not one of them'

/** Whether `peer` is shown the resource when it asks this node what it offers: whoever may use it. */
export const visibleTo = (settings: SharingSettings, peer: string, network: NetworkView): boolean =>
  refusalFor(settings, peer, network) == null

/**
 * Null when the resource may be registered on the active network's ledger, whose every member reads it;
 * otherwise why not. Only a level that shows the resource to all of that network's members may.
 */
export function registrationRefusal(settings: SharingSettings, activeNetworkId: string): string | null {
  switch (settings.privacy) {
    case 'Private':
      return 'a Private asset is not announced on the ledger; choose a network or public level'
    case 'P2P':
      return (
        'a P2P asset is not announced on the ledger, which every member reads: it is shown only to the ' +
        'peers you trust, when they ask this node'
      )
    case 'PrivateNetwork':
    case 'PublicNetwork':
      return settings.networks.includes(activeNetworkId)
        ? null
        : `a ${settings.privacy} asset is announced only on the networks its terms name, and this is not one of them`
    case 'FullPublic':
      return null
  }
}
