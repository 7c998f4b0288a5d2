/**
 * IPv6 first, IPv4 fallback, between real nodes: in a network namespace of the test's own, node B joins
 * node A by an invite that lists both families. Normally the connection is IPv6; when A's IPv6 port
 * silently drops packets (ip6tables DROP: the case that otherwise stalls a dialer for seconds), B still
 * joins within a second or two, over IPv4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'
import { createTestNamespace, namespaceUnavailableReason, type TestNamespace } from './support/netns'

let unavailable = namespaceUnavailableReason()
if (unavailable == null) {
  try {
    execFileSync('ip6tables', ['--version'], { stdio: 'ignore' })
  } catch {
    unavailable = 'ip6tables is not installed (apt-get install iptables)'
  }
}
if (unavailable != null) console.warn(`Happy Eyeballs test NOT RUN: ${unavailable}`)

describe.skipIf(unavailable != null)('IPv6 first with IPv4 fallback (in a network namespace)', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-he-'))
  let ns: TestNamespace
  const daemons: Daemon[] = []
  const start = async (name: string): Promise<Daemon> => {
    const d = await startDaemon(join(base, name), ['--api-host', ns.address], { wrap: ns.exec })
    daemons.push(d)
    return d
  }
  const remoteOf = async (d: Daemon, peer: string): Promise<string | undefined> =>
    (await d.call('peers.list', {})).find((p) => p.peerId === peer)?.addresses[0]

  beforeAll(() => {
    ensureBuilt()
    ns = createTestNamespace('he', 2)
  })
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()))
    ns?.remove()
    rmSync(base, { recursive: true, force: true })
  })

  it('connects over IPv6 when both families work', async () => {
    const [a, b] = await Promise.all([start('a'), start('b')])
    await b.call('network.join', await a.call('network.invite', {}))
    await waitFor('B to list A', async () => (await remoteOf(b, a.peerId)) != null)
    expect(await remoteOf(b, a.peerId)).toMatch(/^\/ip6\/::1\//)
  })

  it('falls back to IPv4 quickly when IPv6 silently drops packets', async () => {
    const [a, b] = await Promise.all([start('c'), start('d')])
    const invite = await a.call('network.invite', {})
    for (const address of (await a.call('node.status', {})).listenAddresses.filter((x) =>
      x.startsWith('/ip6/'),
    )) {
      const port = address.split('/')[4] as string
      // TCP and QUIC (UDP) listeners alike: IPv6 must be dead for every transport.
      const protocol = address.split('/')[3] === 'udp' ? 'udp' : 'tcp'
      execFileSync('ip', [
        'netns',
        'exec',
        ns.name,
        'ip6tables',
        '-A',
        'INPUT',
        '-p',
        protocol,
        '--dport',
        port,
        '-j',
        'DROP',
      ])
    }
    const started = Date.now()
    await b.call('network.join', invite)
    const elapsed = Date.now() - started
    await waitFor('B to list A', async () => (await remoteOf(b, a.peerId)) != null)
    expect(await remoteOf(b, a.peerId)).toMatch(/^\/ip4\/127\.0\.0\.1\//)
    // libp2p alone would wait out its 6 s per-address timeout on the dropped IPv6 address first.
    expect(elapsed).toBeLessThan(3_000)
  })
})
