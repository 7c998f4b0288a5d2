/**
 * The network a remote address belongs to, for limits: an IPv4 /24 or an IPv6 /64. One holder of a /64
 * (the usual end-site assignment) or of a /24, loopback's 127/8 included, can use many addresses, so
 * limits that key on the full address alone would count it as many hosts.
 */

/** "ip4:198.51.100.0/24", "ip6:2001:db8:0:1::/64"; any other address is its own network. */
export function networkOf(protocol: string, address: string): string {
  if (protocol === 'ip4') return ipv4Network(address) ?? `${protocol}:${address}`
  if (protocol === 'ip6') {
    const groups = expandIpv6(address)
    if (groups == null) return `${protocol}:${address}`
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 host.
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      const [hi, lo] = [groups[6] as number, groups[7] as number]
      return ipv4Network(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`) as string
    }
    return `ip6:${groups
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(':')}::/64`
  }
  return `${protocol}:${address}`
}

function ipv4Network(address: string): string | null {
  const octets = address.split('.')
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return null
  return `ip4:${octets.slice(0, 3).map(Number).join('.')}.0/24`
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, embedded IPv4 read), or null. */
function expandIpv6(address: string): number[] | null {
  let text = address.split('%')[0] as string
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (v4 != null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    if ([a, b, c, d].some((o) => o > 255)) return null
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const parse = (part: string): number[] | null => {
    if (part === '') return []
    const groups = part.split(':')
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null
    return groups.map((g) => parseInt(g, 16))
  }
  const head = parse(halves[0] as string)
  const tail = halves.length === 2 ? parse(halves[1] as string) : []
  if (head == null || tail == null) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}
