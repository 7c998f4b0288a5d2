import { shortId } from '../lib/format'
import { useHyperMesh } from '../store/context'
import { selectLanOffers } from '../store/selectors'

/** The first host address of a LAN offer, for a person to recognise the machine by. */
const hostOf = (address: string | undefined): string | null =>
  address?.match(/^\/ip[46]\/([^/]+)/)?.[1] ?? null

/**
 * HyperMesh nodes found on the LAN by mDNS that are not members of this network. A node says nothing of
 * its network to a peer that has not proved membership, so joining one takes an invite from its user.
 */
export function LanOffers() {
  const offers = useHyperMesh(selectLanOffers)
  return (
    <div className="lan">
      <h3>On your LAN</h3>
      <ul className="lan-offers" data-testid="lan-offers">
        {offers.map((offer) => (
          <li key={offer.peerId} className="lan-offer" data-testid="lan-offer">
            <div className="lan-offer-text">
              <span className="lan-offer-name">HyperMesh node {hostOf(offer.addresses[0]) ?? ''}</span>
              <code className="mono muted" title={offer.peerId}>
                {shortId(offer.peerId)}
              </code>
            </div>
            <span className="hint">To join its network, ask its user for an invite and paste it above.</span>
          </li>
        ))}
        {offers.length === 0 && <li className="empty">No other HyperMesh nodes found on your LAN</li>}
      </ul>
    </div>
  )
}
