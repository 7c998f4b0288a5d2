/**
 * A small internet with two home routers, built from network namespaces for NAT traversal tests (root only).
 *
 * ```
 *                      WAN 10.231.100.0/24 (a bridge in its own namespace)
 *        ┌───────────────────────┼─────────────────────────┐
 *   relay R .10          router A .2                 router B .3
 *                    MASQUERADE                    MASQUERADE
 *                   LAN 10.231.110.0/24           LAN 10.231.120.0/24
 *                        host A .2                     host B .2
 * ```
 *
 * Each router forwards LAN → WAN with `MASQUERADE` (source ports kept where free, as Linux does by default)
 * and lets WAN → LAN packets through only when conntrack knows them (replies, or a port mapping, DNAT);
 * everything else from the WAN is rejected, like a home router. The relay has no route to either LAN.
 * Every veth is created directly inside its namespaces, so nothing appears in the root namespace, and all
 * routes and rules live inside these namespaces.
 */
import { execFileSync } from 'node:child_process'

const WAN = '10.231.100'

export interface NatHost {
  readonly ns: string
  /** Its own address: on the WAN for the relay, on its LAN for hosts A and B. */
  readonly address: string
  /** Prefix for commands to run inside the namespace. */
  readonly exec: string[]
}

export interface NatRouter extends NatHost {
  readonly wanAddress: string
  readonly lanAddress: string
  /** The WAN-side interface (MASQUERADE's `-o`, DNAT's `-i`). */
  readonly wanInterface: string
}

export interface NatTopology {
  readonly relay: NatHost
  readonly routerA: NatRouter
  readonly routerB: NatRouter
  readonly hostA: NatHost
  readonly hostB: NatHost
  /** TCP bytes in and out of the relay's WAN interface so far (iptables counters in its namespace). */
  relayTcpBytes(): { received: number; sent: number }
  /** Deletes every namespace (and with them their links, routes and rules). Safe to call twice. */
  remove(): void
}

/** Why the topology cannot be built here, or null if it can. */
export function natTopologyUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces'
  for (const [command, pkg] of [
    ['ip', 'iproute2'],
    ['iptables', 'iptables (apt-get install -y iptables)'],
  ] as const) {
    try {
      execFileSync(command, ['-V'], { stdio: 'ignore' })
    } catch {
      return `the ${command} command is not installed: ${pkg}`
    }
  }
  return null
}

const run = (command: string, ...args: string[]): string =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })

export function createNatTopology(): NatTopology {
  const id = process.pid % 100_000
  const created: string[] = []
  const remove = (): void => {
    process.off('exit', remove)
    for (const ns of created.splice(0).reverse()) {
      try {
        run('ip', 'netns', 'del', ns)
      } catch {
        /* already gone */
      }
    }
  }
  const namespace = (role: string): string => {
    const ns = `hm-nat-${role}-${process.pid}`
    run('ip', 'netns', 'add', ns)
    created.push(ns)
    run('ip', '-n', ns, 'link', 'set', 'lo', 'up')
    return ns
  }
  const inNs = (ns: string, command: string, ...args: string[]): string =>
    run('ip', 'netns', 'exec', ns, command, ...args)
  /** A veth from `ns` (named `name`, with `cidr`) to `peerNs`; both ends are created in place. */
  const link = (ns: string, name: string, cidr: string, peerNs: string, peerName: string): void => {
    run('ip', 'link', 'add', name, 'netns', ns, 'type', 'veth', 'peer', 'name', peerName, 'netns', peerNs)
    run('ip', '-n', ns, 'addr', 'add', cidr, 'dev', name)
    run('ip', '-n', ns, 'link', 'set', name, 'up')
  }

  // Also when the test process ends without running its afterAll (the namespaces would outlive it).
  process.once('exit', remove)
  try {
    const wan = namespace('wan')
    const bridge = `hmbr${id}`
    run('ip', '-n', wan, 'link', 'add', bridge, 'type', 'bridge')
    run('ip', '-n', wan, 'link', 'set', bridge, 'up')
    /** Plugs `ns` into the WAN bridge with `address`; returns its interface name. */
    const plugIntoWan = (ns: string, tag: string, address: string): string => {
      const inside = `hmw${tag}${id}`
      const port = `hmp${tag}${id}`
      link(ns, inside, `${address}/24`, wan, port)
      run('ip', '-n', wan, 'link', 'set', port, 'master', bridge)
      run('ip', '-n', wan, 'link', 'set', port, 'up')
      return inside
    }

    const relayNs = namespace('relay')
    const relayIf = plugIntoWan(relayNs, 'r', `${WAN}.10`)
    // Counting rules (no target): every TCP byte in and out of the relay's WAN interface.
    inNs(relayNs, 'iptables', '-w', '-A', 'INPUT', '-i', relayIf, '-p', 'tcp')
    inNs(relayNs, 'iptables', '-w', '-A', 'OUTPUT', '-o', relayIf, '-p', 'tcp')

    const homeNetwork = (tag: 'a' | 'b', wanHost: number, lan: string): [NatRouter, NatHost] => {
      const routerNs = namespace(`r${tag}`)
      const hostNs = namespace(`h${tag}`)
      const wanIf = plugIntoWan(routerNs, tag, `${WAN}.${wanHost}`)
      const lanIf = `hml${tag}${id}`
      const hostIf = `hmh${tag}${id}`
      link(routerNs, lanIf, `${lan}.1/24`, hostNs, hostIf)
      run('ip', '-n', hostNs, 'addr', 'add', `${lan}.2/24`, 'dev', hostIf)
      run('ip', '-n', hostNs, 'link', 'set', hostIf, 'up')
      run('ip', '-n', hostNs, 'route', 'add', 'default', 'via', `${lan}.1`)
      inNs(routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')
      const ipt = (...args: string[]): string => inNs(routerNs, 'iptables', '-w', ...args)
      // LAN → WAN: source NAT to the router's WAN address (ports kept where free, no --random).
      ipt('-t', 'nat', '-A', 'POSTROUTING', '-o', wanIf, '-j', 'MASQUERADE')
      ipt('-A', 'FORWARD', '-i', lanIf, '-o', wanIf, '-j', 'ACCEPT')
      // WAN → LAN: only replies (conntrack) and mapped ports (DNAT); anything else is rejected.
      const known = ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED,DNAT']
      ipt('-A', 'FORWARD', '-i', wanIf, '-o', lanIf, ...known, '-j', 'ACCEPT')
      ipt('-A', 'FORWARD', '-i', wanIf, '-j', 'REJECT')
      const exec = (ns: string): string[] => ['ip', 'netns', 'exec', ns]
      return [
        {
          ns: routerNs,
          address: `${WAN}.${wanHost}`,
          wanAddress: `${WAN}.${wanHost}`,
          lanAddress: `${lan}.1`,
          wanInterface: wanIf,
          exec: exec(routerNs),
        },
        { ns: hostNs, address: `${lan}.2`, exec: exec(hostNs) },
      ]
    }
    const [routerA, hostA] = homeNetwork('a', 2, '10.231.110')
    const [routerB, hostB] = homeNetwork('b', 3, '10.231.120')

    const counter = (chain: 'INPUT' | 'OUTPUT'): number => {
      const rule = inNs(relayNs, 'iptables', '-w', '-nvxL', chain)
        .split('\n')
        .find((line) => line.includes(relayIf))
      if (rule == null) throw new Error(`no ${chain} counting rule for ${relayIf} in ${relayNs}`)
      return Number(rule.trim().split(/\s+/)[1])
    }
    return {
      relay: { ns: relayNs, address: `${WAN}.10`, exec: ['ip', 'netns', 'exec', relayNs] },
      routerA,
      routerB,
      hostA,
      hostB,
      relayTcpBytes: () => ({ received: counter('INPUT'), sent: counter('OUTPUT') }),
      remove,
    }
  } catch (err) {
    remove()
    throw err
  }
}
