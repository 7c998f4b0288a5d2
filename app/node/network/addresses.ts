/** Which of a node's addresses to hand out, best first: public, then LAN, then loopback; no link-local. */
import { isLinkLocalIp, isPrivateIp } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { MAX_INVITE_ADDRESSES } from './invite'

const rank = (address: Multiaddr): number => {
  const host = address.getComponents()[0]
  if (host == null || (host.name !== 'ip4' && host.name !== 'ip6') || host.value == null) return 3
  const ip = host.value
  if (ip === '::1' || ip.startsWith('127.')) return 2
  return isPrivateIp(ip) === true ? 1 : 0
}

const usable = (address: Multiaddr): boolean => {
  const host = address.getComponents()[0]
  if (host?.value == null) return false
  if (host.value === '0.0.0.0' || host.value === '::') return false
  return !((host.name === 'ip4' || host.name === 'ip6') && isLinkLocalIp(host.value))
}

export function inviteAddresses(addresses: Multiaddr[]): Multiaddr[] {
  const unique = [...new Map(addresses.filter(usable).map((a) => [a.toString(), a])).values()]
  // Stable sort: within a rank the transport order of the listen list (TCP before WebSockets) stays.
  return unique.sort((a, b) => rank(a) - rank(b)).slice(0, MAX_INVITE_ADDRESSES)
}

/**
 * The addresses to tell an operator at start, as text: every usable one, the most widely reachable first
 * (public, LAN, loopback) and, within each, the shortest first.
 */
export function operatorAddresses(addresses: Multiaddr[]): string[] {
  const unique = [...new Map(addresses.filter(usable).map((a) => [a.toString(), a])).values()]
  return unique
    .sort((a, b) => rank(a) - rank(b) || a.toString().length - b.toString().length)
    .map((a) => a.toString())
}
