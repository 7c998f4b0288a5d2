/**
 * Global proxy addresses: every shared resource gets an IPv6-style address (in the unique-local fd00::/8
 * range, so it can never collide with a routable address) derived from its network, its node and the
 * resource, which any peer can resolve back to (node, resource) and reach through the proxy protocol.
 *
 *   fd | 48 | network: 32 bits | node: 48 bits | kind: 4 bits, index: 12 bits | check: 16 bits
 *
 * network and node are the first bytes of SHA-256 over the network id and the peer id; the check (the
 * first two bytes of SHA-256 over the 14 bytes before it) catches a mistyped address.
 */
import { createHash } from 'node:crypto'
import { isIPv6 } from 'node:net'
import { RESOURCE_KINDS, type ResourceKind } from '../../shared/sharing-schemas'

const TAG = [0xfd, 0x48]

export interface ProxyTarget {
  networkId: string
  peerId: string
  resource: ResourceKind
  /** Which resource of that kind (the second GPU, the first disk); 0 for the first. */
  index: number
}

export interface ParsedProxyAddress {
  networkTag: string
  nodeTag: string
  resource: ResourceKind
  index: number
}

export class ProxyAddressError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProxyAddressError'
  }
}

const sha = (text: string | Uint8Array): Buffer => createHash('sha256').update(text).digest()

export function proxyAddressOf(target: ProxyTarget): string {
  const kind = RESOURCE_KINDS.indexOf(target.resource)
  if (kind < 0) throw new ProxyAddressError(`unknown resource kind ${target.resource}`)
  if (!Number.isInteger(target.index) || target.index < 0 || target.index > 0xfff)
    throw new ProxyAddressError(`a resource index is 0–4095, not ${target.index}`)
  const bytes = Buffer.alloc(16)
  bytes.set(TAG, 0)
  sha(target.networkId).copy(bytes, 2, 0, 4)
  sha(target.peerId).copy(bytes, 6, 0, 6)
  bytes.writeUInt16BE((kind << 12) | target.index, 12)
  sha(bytes.subarray(0, 14)).copy(bytes, 14, 0, 2)
  return format(bytes)
}

export function parseProxyAddress(text: string): ParsedProxyAddress {
  // Hex groups only: an embedded IPv4 part or a zone index would be a second spelling of the same bytes.
  if (!isIPv6(text) || /[.%]/.test(text))
    throw new ProxyAddressError(`“${text.slice(0, 64)}” is not an IPv6-style address`)
  const bytes = expand(text)
  if (bytes[0] !== TAG[0] || bytes[1] !== TAG[1])
    throw new ProxyAddressError('not a HyperMesh proxy address: they start with fd48:')
  if (!sha(bytes.subarray(0, 14)).subarray(0, 2).equals(bytes.subarray(14)))
    throw new ProxyAddressError('the address does not check out; it may be mistyped')
  const word = bytes.readUInt16BE(12)
  const resource = RESOURCE_KINDS[word >> 12]
  if (resource == null) throw new ProxyAddressError('the address names an unknown resource kind')
  return {
    networkTag: bytes.subarray(2, 6).toString('hex'),
    nodeTag: bytes.subarray(6, 12).toString('hex'),
    resource,
    index: word & 0xfff,
  }
}

/** Whether `address` is the address of (networkId, peerId, …): resolution checks candidates with this. */
export function addressNames(parsed: ParsedProxyAddress, networkId: string, peerId: string): boolean {
  return addressOnNetwork(parsed, networkId) && addressNamesNode(parsed, peerId)
}

/** Whether `address` was made for `peerId`'s node, on whichever network (the network tag aside). */
export const addressNamesNode = (parsed: ParsedProxyAddress, peerId: string): boolean =>
  parsed.nodeTag === sha(peerId).subarray(0, 6).toString('hex')

/** Whether `address` was made on `networkId`. */
export const addressOnNetwork = (parsed: ParsedProxyAddress, networkId: string): boolean =>
  parsed.networkTag === sha(networkId).subarray(0, 4).toString('hex')

/** The address in the form proxyAddressOf writes (lower case, no leading zeros), after parsing it in full. */
export function normalizeProxyAddress(text: string): string {
  parseProxyAddress(text)
  return format(expand(text))
}

/** Whether `text` is meant as a proxy address (whether or not it checks out): it starts with fd48:. */
export const looksLikeProxyAddress = (text: string): boolean => /^fd48:/i.test(text.trim())

/** Resolves an address to the peer among `peers` (those this node knows on the network) that it names. */
export function resolveProxyAddress(
  text: string,
  networkId: string,
  peers: Iterable<string>,
): { peerId: string; resource: ResourceKind; index: number } {
  const parsed = parseProxyAddress(text)
  if (!addressOnNetwork(parsed, networkId))
    throw new ProxyAddressError('the address belongs to another network')
  for (const peerId of peers)
    if (addressNames(parsed, networkId, peerId))
      return { peerId, resource: parsed.resource, index: parsed.index }
  throw new ProxyAddressError('no known peer of this network has that address; it may be offline')
}

function format(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16))
  return groups.join(':')
}

function expand(text: string): Buffer {
  const [head, tail] = text.toLowerCase().split('::') as [string, string | undefined]
  const left = head === '' ? [] : head.split(':')
  const right = tail == null || tail === '' ? [] : tail.split(':')
  const groups = tail == null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  const bytes = Buffer.alloc(16)
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2))
  return bytes
}
