/**
 * Network namespaces for tests (root only): a namespace with loopback up and a veth link to the test's
 * own namespace, so tests can reach daemons inside it while nothing they send leaves this machine.
 */
import { execFileSync } from 'node:child_process'

export interface TestNamespace {
  readonly name: string
  /** The namespace's address on the veth link (the test host reaches daemons there). */
  readonly address: string
  /** Prefix for commands to run inside the namespace. */
  readonly exec: string[]
  remove(): void
}

/** Why namespaces cannot be made here, or null if they can. */
export function namespaceUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces'
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
  } catch {
    return 'the ip command (iproute2) is not installed'
  }
  return null
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** Makes a namespace on 10.231.<subnet>.0/24: the test host is .1, the namespace .2. */
export function createTestNamespace(tag: string, subnet: number): TestNamespace {
  const name = `hm-${tag}-${process.pid}`
  const hostSide = `hm${subnet}h${process.pid % 10000}`
  const nsSide = `hm${subnet}n${process.pid % 10000}`
  const address = `10.231.${subnet}.2`
  ip('netns', 'add', name)
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide)
    ip('link', 'set', nsSide, 'netns', name)
    ip('addr', 'add', `10.231.${subnet}.1/24`, 'dev', hostSide)
    ip('link', 'set', hostSide, 'up')
    ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', nsSide)
    ip('-n', name, 'link', 'set', nsSide, 'up')
    ip('-n', name, 'link', 'set', 'lo', 'up')
    // Multicast (mDNS) stays on the namespace's side of the link.
    ip('-n', name, 'route', 'add', '224.0.0.0/4', 'dev', nsSide)
  } catch (err) {
    ip('netns', 'del', name)
    throw err
  }
  return {
    name,
    address,
    exec: ['ip', 'netns', 'exec', name],
    remove() {
      try {
        ip('link', 'del', hostSide)
      } catch {
        /* removed with the namespace */
      }
      ip('netns', 'del', name)
    },
  }
}
