/**
 * What this node's assets offer now, and granting leases on them: by hand (the owner's API) or when a peer
 * asks over the network (free leases only, with the proofs the owner's terms require). A lease is granted
 * only while the asset runs fewer leases than its terms' `maxLeases` (a renewal replaces one, so it may),
 * and not over a relay where the terms keep the resource to direct connections.
 */
import { formatCaesar } from '../../shared/api'
import { AssetRequestError } from './errors'
import type { LeaseAsk, ResourceKind } from '../../shared/sharing-schemas'
import { DEFAULT_PARAMS, type LedgerState, type SignedLease } from '../consensus'
import type { AssetServiceParts } from './ports'
import type { LeaseBook } from './leases/lease-book'
import type { LeaseGrantor } from './leases/lease-requests'
import { fillLeaseWindow, issuedFillLease } from './fill-leases'
import { assetIdOf } from './own-assets'
import { relayRefusal } from './proxy/leased-stream'
import { refusalFor, type NetworkView } from './proxy/privacy'
import type { LeasedShards } from './storage/leased-shards'

/** The leases of this node's assets, and the shards stored under its storage leases. */
export interface LeaseDesk {
  book: LeaseBook
  shards: LeasedShards
}

/** How a lease is asked for: over a relayed connection or not (by hand: not). */
export interface AskedVia {
  relayed: boolean
}

/**
 * Signs a lease for `holder` if the privacy level admits it (and its connection, where it asked over a
 * relay), the asset offers the amount and runs fewer leases than its terms allow; else AssetRequestError.
 */
export function grantLease(
  parts: AssetServiceParts,
  desk: LeaseDesk,
  holder: string,
  ask: LeaseAsk,
  via: AskedVia = { relayed: false },
): SignedLease {
  const kind = ask.resource
  const settings = parts.sharing.settingsOf(kind)
  const refusal = refusalFor(settings, holder, networkView(parts)) ?? relayRefusal(settings, via.relayed)
  if (refusal != null) throw new AssetRequestError('bad-request', `no lease for ${holder}: ${refusal}`)
  const offer = offerOf(parts, kind)
  const amount = BigInt((kind === 'cpu' || kind === 'gpu' ? ask.millicores : ask.amountBytes) ?? 0)
  if (amount > offer)
    throw new AssetRequestError(
      'bad-request',
      `this node offers ${offer} ${unitOf(kind)} of ${kind} now; ask for less, or raise the allocation`,
    )
  const assetId = assetIdOf(parts.network.activeNetworkId(), parts.peerId, kind, 0)
  if (ask.renews != null) {
    // A renewal takes the place of a lease that runs, so the count of leases at once does not change.
    const why =
      kind === 'storage'
        ? desk.book.renewalRefusal(ask.renews, holder, assetId)
        : 'only storage leases are renewed; ask for a new lease'
    if (why != null) throw new AssetRequestError('bad-request', `no renewal: ${why}`)
  } else {
    const running = desk.book.running(assetId, kind === 'storage' ? desk.shards.holding(assetId) : [])
    if (running.size >= settings.maxLeases)
      throw new AssetRequestError(
        'bad-request',
        `this node runs ${running.size} leases on its ${kind} at once, as many as its terms allow; ask again when one ends`,
      )
  }
  // A fill's lease is the fill's, and lasts at most until its delivery deadline.
  const fill =
    ask.fillId == null
      ? null
      : { leaseId: ask.fillId, ...fillLeaseWindow(parts, holder, { ...ask, fillId: ask.fillId }) }
  const durationMs = Math.min(ask.minutes * 60_000, fill == null ? Infinity : fill.endsBy - Date.now())
  return desk.book.issue({ assetId, holder, amount, durationMs, renews: ask.renews, leaseId: fill?.leaseId })
}

/** What the lease request protocol needs of this node: granting, its terms' proofs, its ledger's view. */
export function leaseGrantor(parts: AssetServiceParts, desk: LeaseDesk): LeaseGrantor {
  const state = () => parts.currentLedger()?.chain.state ?? null
  return {
    grant: (peer, ask, via) => grantAskedLease(parts, desk, peer, ask, via),
    requiredProofs: (ask) => parts.sharing.settingsOf(ask.resource).requiredProofs,
    proofParams: () => parts.currentLedger()?.chain.params.proofs ?? DEFAULT_PARAMS.proofs,
    ledger: {
      bondedOf: (address) => state()?.account(address)?.bonded ?? 0n,
      hasProvenSpace: (address) => {
        const s = state()
        if (s == null) return false
        if (s.validators.get(address)?.active === true) return true
        return [...s.assets.values()].some((a) => a.owner === address)
      },
    },
  }
}

/** A lease a peer asked for over the network: granted as by hand, and only where it is free. */
function grantAskedLease(
  parts: AssetServiceParts,
  desk: LeaseDesk,
  peer: string,
  ask: LeaseAsk,
  via: AskedVia,
): SignedLease {
  if (ask.fillId != null) {
    // A fill is paid from its escrow; the same fill asked for again gets the same lease.
    return issuedFillLease(desk.book, peer, ask.fillId) ?? grantLease(parts, desk, peer, ask, via)
  }
  const price = parts.sharing.settingsOf(ask.resource).minPricePerHour
  if (price !== '0')
    throw new AssetRequestError(
      'bad-request',
      `this owner asks ${formatCaesar(price)} CAESAR an hour for ${ask.resource}; buy it on the exchange, and ask for the lease of your fill`,
    )
  return grantLease(parts, desk, peer, ask, via)
}

/**
 * The capacity an asset registers with, in its lease unit: the allocation's share of the CPU cores or of
 * one GPU (whether or not a time window is open now), or the memory and storage offered.
 */
export function capacityOf(parts: AssetServiceParts, resource: ResourceKind, cores: number): bigint {
  const percent = parts.sharing.settingsOf(resource).allocationPercent
  if (resource === 'cpu') return BigInt(Math.round(cores * percent * 10))
  if (resource === 'gpu') return BigInt(percent * 10)
  return offerOf(parts, resource)
}

/** What an asset offers now, in its lease unit: bytes, or thousandths of a core (of all cores, or of one GPU). */
export function offerOf(parts: AssetServiceParts, kind: ResourceKind): bigint {
  switch (kind) {
    case 'memory':
      return parts.sharing.memoryOffer()
    case 'storage':
      return parts.sharing.storageOffer()
    default:
      return parts.sharing.computeOffer(kind)
  }
}

const unitOf = (kind: ResourceKind): string =>
  kind === 'cpu' || kind === 'gpu' ? 'thousandths of a core' : 'bytes'

/** The network as the privacy levels see it: who is a member, and whom its ledger names. */
export const networkView = (parts: AssetServiceParts): NetworkView => ({
  activeNetworkId: parts.network.activeNetworkId(),
  isMember: (peer: string) => parts.network.isMember(peer),
  onLedger: (peer: string) => {
    const state = parts.currentLedger()?.chain.state
    return state != null && ledgerNames(state, peer)
  },
})

/** Whether the ledger names `peer`: an active validator, or the server of a registered asset. */
export function ledgerNames(state: LedgerState, peer: string): boolean {
  for (const validator of state.validators.values())
    if (validator.active && validator.peerId === peer) return true
  for (const asset of state.assets.values()) if (asset.peerId === peer) return true
  return false
}
