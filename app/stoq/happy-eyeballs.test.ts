import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { orderForHappyEyeballs, raceAddresses } from './happy-eyeballs'

const listen = (host: string): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy())
    server.listen(0, host, () => resolve({ server, port: (server.address() as { port: number }).port }))
  })

/** A port on which nothing listens (bound, read, then closed). */
const closedPort = async (host: string): Promise<number> => {
  const { server, port } = await listen(host)
  await new Promise((r) => server.close(r))
  return port
}

describe('Happy Eyeballs address order', () => {
  it('puts IPv6 first and interleaves the families, relays last', () => {
    const ordered = orderForHappyEyeballs([
      multiaddr('/ip4/10.0.0.1/tcp/1'),
      multiaddr('/ip4/10.0.0.2/tcp/2'),
      multiaddr('/ip4/10.0.0.9/tcp/9/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit'),
      multiaddr('/ip6/2001:db8::1/tcp/3'),
    ])
    expect(ordered.map(String)).toEqual([
      '/ip6/2001:db8::1/tcp/3',
      '/ip4/10.0.0.1/tcp/1',
      '/ip4/10.0.0.2/tcp/2',
      '/ip4/10.0.0.9/tcp/9/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit',
    ])
  })
})

describe('Happy Eyeballs race on loopback', () => {
  let v4: { server: Server; port: number }
  let v6: { server: Server; port: number }
  beforeAll(async () => {
    ;[v4, v6] = await Promise.all([listen('127.0.0.1'), listen('::1')])
  })
  afterAll(() => {
    v4.server.close()
    v6.server.close()
  })

  it('picks IPv6 when both families answer', async () => {
    const ordered = await raceAddresses([
      multiaddr(`/ip4/127.0.0.1/tcp/${v4.port}`),
      multiaddr(`/ip6/::1/tcp/${v6.port}`),
    ])
    expect(ordered[0]?.toString()).toBe(`/ip6/::1/tcp/${v6.port}`)
  })

  it('falls back to IPv4 at once, without waiting out the attempt delay, when IPv6 is refused', async () => {
    const dead = await closedPort('::1')
    const started = performance.now()
    const ordered = await raceAddresses(
      [multiaddr(`/ip6/::1/tcp/${dead}`), multiaddr(`/ip4/127.0.0.1/tcp/${v4.port}`)],
      {
        attemptDelayMs: 5_000,
      },
    )
    expect(ordered[0]?.toString()).toBe(`/ip4/127.0.0.1/tcp/${v4.port}`)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('returns the plain order when nothing answers, for libp2p to try and report', async () => {
    const [a, b] = await Promise.all([closedPort('127.0.0.1'), closedPort('::1')])
    const ordered = await raceAddresses([
      multiaddr(`/ip4/127.0.0.1/tcp/${a}`),
      multiaddr(`/ip6/::1/tcp/${b}`),
    ])
    expect(ordered.map(String)).toEqual([`/ip6/::1/tcp/${b}`, `/ip4/127.0.0.1/tcp/${a}`])
  })
})
