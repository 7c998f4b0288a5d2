import { useMemo } from 'react'
import { shortId } from '../lib/format'
import { useHyperMesh } from '../store/context'
import {
  selectActions,
  selectCurrentNetwork,
  selectJoiningLanPeer,
  selectLanOffers,
  selectNetworkBusy,
} from '../store/selectors'

/** Networks of other HyperMesh nodes found on the LAN by mDNS, each one click from joining. */
export function LanOffers() {
  const actions = useHyperMesh(selectActions)
  const offers = useHyperMesh(selectLanOffers)
  const current = useHyperMesh(selectCurrentNetwork)
  const busy = useHyperMesh(selectNetworkBusy)
  const joiningPeer = useHyperMesh(selectJoiningLanPeer)

  // An offer of the network we are already on is nothing to join.
  const visible = useMemo(
    () => offers.filter((offer) => offer.networkId !== current?.networkId),
    [offers, current?.networkId],
  )

  return (
    <div className="lan">
      <h3>On your LAN</h3>
      <ul className="lan-offers" data-testid="lan-offers">
        {visible.map((offer) => (
          <li key={offer.peerId} className="lan-offer" data-testid="lan-offer">
            <div className="lan-offer-text">
              <span className="lan-offer-name">{offer.networkName}</span>
              <code className="mono muted" title={offer.peerId}>
                {shortId(offer.peerId)}
              </code>
            </div>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void actions.joinLan(offer.peerId)}
              aria-label={`Join ${offer.networkName}`}
              data-testid="lan-join"
            >
              {joiningPeer === offer.peerId ? 'Joining…' : 'Join'}
            </button>
          </li>
        ))}
        {visible.length === 0 && <li className="empty">No other HyperMesh networks found on your LAN</li>}
      </ul>
    </div>
  )
}
