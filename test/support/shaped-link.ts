/**
 * Two network namespaces joined by one veth link whose both directions are shaped by a `tc` token bucket
 * filter, for tests and benchmarks that need a link of a known rate (root only). Nothing is created in the
 * root namespace.
 *
 * ```
 *   A 10.231.150.1 ──veth, tbf RATE each way── B 10.231.150.2
 * ```
 */
import { execFileSync } from 'node:child_process'

export interface ShapedLink {
  readonly a: { ns: string; address: string; exec: string[] }
  readonly b: { ns: string; address: string; exec: string[] }
  /** Shapes both directions to `bitsPerSecond`, or removes the shaping (null). */
  shape(bitsPerSecond: number | null): void
  remove(): void
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** Why the link cannot be made here, or null if it can. */
export function shapedLinkUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces'
  for (const command of ['ip', 'tc']) {
    try {
      execFileSync(command, ['-V'], { stdio: 'ignore' })
    } catch {
      return `the ${command} command (iproute2) is not installed`
    }
  }
  return null
}

/**
 * The token bucket for a rate: a bucket of 4 ms of traffic (at least 32 KiB; the kernel needs one timer
 * tick's worth) and 20 ms of queue, as a switch port or a home router would have.
 */
export function tbfArguments(bitsPerSecond: number): string[] {
  const burst = Math.max(32 * 1024, Math.ceil((bitsPerSecond / 8) * 0.004))
  return ['tbf', 'rate', `${Math.round(bitsPerSecond / 1000)}kbit`, 'burst', String(burst), 'latency', '20ms']
}

export function createShapedLink(tag: string): ShapedLink {
  const suffix = `${tag}-${process.pid}`
  const [nsA, nsB] = [`hm-la-${suffix}`, `hm-lb-${suffix}`]
  const [ifA, ifB] = [`la${process.pid % 100000}`, `lb${process.pid % 100000}`]
  const remove = (): void => {
    for (const ns of [nsA, nsB]) {
      try {
        ip('netns', 'del', ns)
      } catch {
        /* already gone, or never made */
      }
    }
  }
  ip('netns', 'add', nsA)
  try {
    ip('netns', 'add', nsB)
    ip('link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB)
    ip('-n', nsA, 'addr', 'add', '10.231.150.1/24', 'dev', ifA)
    ip('-n', nsB, 'addr', 'add', '10.231.150.2/24', 'dev', ifB)
    for (const [ns, dev] of [
      [nsA, ifA],
      [nsB, ifB],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    remove()
    throw err
  }
  return {
    a: { ns: nsA, address: '10.231.150.1', exec: ['ip', 'netns', 'exec', nsA] },
    b: { ns: nsB, address: '10.231.150.2', exec: ['ip', 'netns', 'exec', nsB] },
    shape(bitsPerSecond) {
      for (const [ns, dev] of [
        [nsA, ifA],
        [nsB, ifB],
      ] as const) {
        const tc = (...args: string[]) =>
          execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
        if (bitsPerSecond == null) {
          try {
            tc('qdisc', 'del', 'dev', dev, 'root')
          } catch {
            /* not shaped */
          }
        } else tc('qdisc', 'replace', 'dev', dev, 'root', ...tbfArguments(bitsPerSecond))
      }
    },
    remove,
  }
}
