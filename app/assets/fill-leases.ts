/**
 * Leases that deliver fills of the exchange (docs/caesar.md, The exchange): a buyer's holder peer asks this
 * node for the lease of a fill it bought from this node's asset, and the node signs it with the fill's id,
 * for a time between now and the fill's delivery deadline. Granted under the asset's terms like any lease
 * (privacy level, relays, what it offers, how many run at once) but not its minimum price: the fill is
 * paid, from its escrow, as the holder's receipts prove use. Asking again for the same fill gives the same
 * lease.
 */
import type { LeaseAsk } from '../../shared/sharing-schemas'
import type { SignedLease } from '../consensus'
import { AssetRequestError } from './errors'
import type { LeaseBook } from './leases/lease-book'
import { assetIdOf } from './own-assets'
import type { AssetServiceParts } from './ports'

const short = (id: string): string => `${id.slice(0, 12)}…`

/** Why this node will not deliver fill `fillId` to `peer` now, or the lease window it may have. */
export function fillLeaseWindow(
  parts: AssetServiceParts,
  peer: string,
  ask: LeaseAsk & { fillId: string },
): { endsBy: number } {
  const refuse = (why: string): never => {
    throw new AssetRequestError('bad-request', `no lease for fill ${short(ask.fillId)}: ${why}`)
  }
  const state = parts.currentLedger()?.chain.state
  if (state == null) return refuse('this node follows no ledger')
  const escrow = state.leaseEscrows.get(ask.fillId)
  if (escrow == null) return refuse('the ledger has no such fill (or it was closed long ago)')
  if (escrow.status !== 'open') refuse(`its escrow is ${escrow.status}`)
  if (escrow.holder !== peer) refuse(`it was bought for holder ${escrow.holder}, not for you`)
  if (escrow.market !== ask.resource) refuse(`it is a fill of ${escrow.market}, not ${ask.resource}`)
  if (escrow.assetId !== assetIdOf(parts.network.activeNetworkId(), parts.peerId, ask.resource, 0))
    refuse('it was sold by another asset than this node’s')
  if (escrow.deliverBy <= Date.now()) refuse('its delivery window has passed')
  return { endsBy: escrow.deliverBy }
}

/** The lease this node already issued for a fill, to the same peer (asking again gives it again). */
export function issuedFillLease(book: LeaseBook, peer: string, fillId: string): SignedLease | null {
  const lease = book.issued(fillId)
  if (lease != null && lease.terms.holder !== peer)
    throw new AssetRequestError(
      'bad-request',
      `the lease of fill ${short(fillId)} was issued to another peer`,
    )
  return lease
}
