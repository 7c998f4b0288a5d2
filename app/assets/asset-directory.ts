/**
 * Finding assets and the peers that serve them: a proxy address resolved through the ledger's registered
 * assets (then through the peers this node knows, for an asset that is on no ledger, such as a P2P one);
 * a peer named by its id, a multiaddr or a proxy address; and the ledger's assets as this node shows them.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { AssetRecord } from '../consensus'
import type { DiscoveredAsset, ResolvedProxyAddress } from '../../shared/sharing-schemas'
import { AssetRequestError } from './errors'
import { assetIdOf } from './own-assets'
import {
  addressNamesNode,
  addressOnNetwork,
  looksLikeProxyAddress,
  normalizeProxyAddress,
  parseProxyAddress,
  ProxyAddressError,
  proxyAddressOf,
} from './proxy-address'

/** Asset indexes tried when matching a registered asset id to the address this version derives. */
const INDEXES_SCANNED = 16

/** What resolution looks through: this node's network, its ledger's assets and the peers it knows. */
export interface Directory {
  networkId: string
  ledgerAssets(): readonly AssetRecord[]
  knownPeers(): Iterable<string>
}

/** The index `record`'s id was derived with on `networkId`; null for an id this version does not derive. */
export function indexOfRegistered(networkId: string, record: AssetRecord): number | null {
  for (let i = 0; i < INDEXES_SCANNED; i++)
    if (assetIdOf(networkId, record.peerId, record.resource, i) === record.assetId) return i
  return null
}

/** A registered asset as `assets.discover` shows it, with its proxy address where this version derives it. */
export function discoveredOnLedger(networkId: string, self: string, record: AssetRecord): DiscoveredAsset {
  const index = indexOfRegistered(networkId, record)
  return {
    assetId: record.assetId,
    owner: record.owner,
    peerId: record.peerId,
    resource: record.resource,
    capacity: record.capacity.toString(),
    privacy: record.privacy,
    registeredAt: record.registeredAt,
    proxyAddress:
      index == null
        ? null
        : proxyAddressOf({ networkId, peerId: record.peerId, resource: record.resource, index }),
    isOwn: record.peerId === self,
    source: 'ledger',
  }
}

/**
 * The asset and serving peer `text` names: an asset registered on the ledger first; else a peer this node
 * knows whose node the address was made for. AssetRequestError when it is malformed or names nobody known.
 */
export function resolveProxyAddress(text: string, directory: Directory): ResolvedProxyAddress {
  let proxyAddress: string
  let parsed
  try {
    proxyAddress = normalizeProxyAddress(text)
    parsed = parseProxyAddress(proxyAddress)
  } catch (err) {
    if (err instanceof ProxyAddressError)
      throw new AssetRequestError('bad-request', err.message, { cause: err })
    throw err
  }
  const { networkId } = directory
  for (const record of directory.ledgerAssets()) {
    if (record.resource !== parsed.resource || !addressNamesNode(parsed, record.peerId)) continue
    const index = indexOfRegistered(networkId, record)
    if (index == null) continue
    if (
      proxyAddressOf({ networkId, peerId: record.peerId, resource: record.resource, index }) !== proxyAddress
    )
      continue
    return {
      proxyAddress,
      peerId: record.peerId,
      resource: record.resource,
      index,
      assetId: record.assetId,
      registered: true,
    }
  }
  const onThisNetwork = addressOnNetwork(parsed, networkId)
  for (const peerId of new Set(directory.knownPeers()))
    if (addressNamesNode(parsed, peerId))
      return {
        proxyAddress,
        peerId,
        resource: parsed.resource,
        index: parsed.index,
        assetId: onThisNetwork ? assetIdOf(networkId, peerId, parsed.resource, parsed.index) : null,
        registered: false,
      }
  throw new AssetRequestError(
    'not-found',
    `${proxyAddress} names no asset on this network’s ledger and no peer this node knows; it may be offline`,
  )
}

/** A peer named by its id, a multiaddr that ends in /p2p/<peer id>, or a proxy address of one of its assets. */
export function peerOfRef(ref: string, directory: Directory): { peerId: string; address?: Multiaddr } {
  const text = ref.trim()
  if (looksLikeProxyAddress(text)) return { peerId: resolveProxyAddress(text, directory).peerId }
  if (text.startsWith('/')) {
    let address: Multiaddr
    try {
      address = multiaddr(text)
    } catch (err) {
      throw new AssetRequestError('bad-request', `not a multiaddr: ${(err as Error).message}`, { cause: err })
    }
    const peerId = address.getComponents().findLast((c) => c.name === 'p2p')?.value
    if (peerId == null)
      throw new AssetRequestError(
        'bad-request',
        'the address does not say whose it is: end it with /p2p/<peer id>',
      )
    return { peerId: checkedPeerId(peerId), address }
  }
  return { peerId: checkedPeerId(text) }
}

function checkedPeerId(text: string): string {
  try {
    return peerIdFromString(text).toString()
  } catch (err) {
    throw new AssetRequestError(
      'bad-request',
      `“${text.slice(0, 64)}” is neither a peer id, a multiaddr nor a proxy address`,
      { cause: err },
    )
  }
}
