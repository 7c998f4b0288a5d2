/**
 * Happy Eyeballs (RFC 8305) for choosing which of a peer's addresses to dial.
 *
 * libp2p dials a peer's addresses one after another, waiting up to its per-address timeout (6 s) on each,
 * so an IPv6 path that silently drops packets delays every connection by seconds. Here the TCP
 * connections race instead: IPv6 first, families interleaved (§4), each further attempt started
 * {@link CONNECTION_ATTEMPT_DELAY_MS} after the previous one or at once when it fails (§5). The winning
 * address is then dialed by libp2p; the probe connection is closed.
 */
import { connect, type Socket } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'

/** RFC 8305 §8 recommends 250 ms. */
export const CONNECTION_ATTEMPT_DELAY_MS = 250

export interface RaceOptions {
  attemptDelayMs?: number
  /** Give up on the whole race after this long. */
  timeoutMs?: number
  signal?: AbortSignal
}

interface TcpTarget {
  address: Multiaddr
  family: 4 | 6
  host: string
  port: number
}

function tcpTarget(address: Multiaddr): TcpTarget | null {
  const [ip, tcp] = address.getComponents()
  if (ip?.value == null || tcp?.name !== 'tcp' || tcp.value == null) return null
  if (ip.name !== 'ip4' && ip.name !== 'ip6') return null
  return { address, family: ip.name === 'ip6' ? 6 : 4, host: ip.value, port: Number(tcp.value) }
}

/** IPv6 first, then alternate families (RFC 8305 §4), keeping each family's own order. */
export function orderForHappyEyeballs(addresses: Multiaddr[]): Multiaddr[] {
  const targets = addresses.map((a) => ({ a, t: tcpTarget(a) }))
  const v6 = targets.filter((x) => x.t?.family === 6).map((x) => x.a)
  const v4 = targets.filter((x) => x.t?.family === 4).map((x) => x.a)
  const other = targets.filter((x) => x.t == null).map((x) => x.a)
  const out: Multiaddr[] = []
  for (let i = 0; i < Math.max(v6.length, v4.length); i++) {
    if (v6[i] != null) out.push(v6[i] as Multiaddr)
    if (v4[i] != null) out.push(v4[i] as Multiaddr)
  }
  return [...out, ...other]
}

/**
 * Races TCP connections to the addresses; resolves with the addresses in the order to dial them: the
 * winner first, then the rest in Happy Eyeballs order. Addresses that are not IP+TCP (relays) come last,
 * unraced. If no TCP connection succeeds, the order is returned unchanged for libp2p to try.
 */
export async function raceAddresses(addresses: Multiaddr[], options: RaceOptions = {}): Promise<Multiaddr[]> {
  const ordered = orderForHappyEyeballs(addresses)
  const targets = ordered.map(tcpTarget).filter((t): t is TcpTarget => t != null)
  if (targets.length <= 1) return ordered
  const delay = options.attemptDelayMs ?? CONNECTION_ATTEMPT_DELAY_MS
  const sockets: Socket[] = []
  const timers: NodeJS.Timeout[] = []

  const winner = await new Promise<Multiaddr | null>((resolve) => {
    let next = 0
    let failed = 0
    let done = false
    const finish = (result: Multiaddr | null): void => {
      if (done) return
      done = true
      resolve(result)
    }
    const overall = setTimeout(() => finish(null), options.timeoutMs ?? 10_000)
    timers.push(overall)
    options.signal?.addEventListener('abort', () => finish(null), { once: true })

    const startNext = (): void => {
      if (done || next >= targets.length) return
      const target = targets[next++] as TcpTarget
      const socket = connect({ host: target.host, port: target.port, family: target.family })
      sockets.push(socket)
      // The next family gets its chance after the delay, or at once if this attempt fails.
      const timer = setTimeout(startNext, delay)
      timers.push(timer)
      socket.once('connect', () => finish(target.address))
      socket.once('error', () => {
        clearTimeout(timer)
        failed++
        if (failed === targets.length) finish(null)
        else startNext()
      })
    }
    startNext()
  })

  for (const timer of timers) clearTimeout(timer)
  for (const socket of sockets) socket.destroy()
  if (winner == null) return ordered
  return [winner, ...ordered.filter((a) => a !== winner)]
}
