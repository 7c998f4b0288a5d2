/**
 * Every connection of a HyperMesh network is STOQ (post-quantum) unless its genesis allows classical Noise:
 * a peer that offers only classical Noise is refused, even by a node that speaks Noise itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { classicTransportProfile, STOQ_PROTOCOL, stoqTransportProfile } from '../app/stoq'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

describe('transport policy', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-policy-'))
  let a: Daemon
  let b: Daemon
  let classical: Libp2p

  beforeAll(async () => {
    ensureBuilt()
    // B also speaks classical Noise, so a classical peer can complete a handshake with it.
    const bDir = join(base, 'b')
    ;[a, b] = await Promise.all([startDaemon(join(base, 'a')), startDaemon(bDir)])
    await b.stop()
    const config = JSON.parse(readFileSync(join(bDir, 'config.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(
      join(bDir, 'config.json'),
      JSON.stringify({ ...config, transport: { offerClassicalNoise: true } }),
    )
    b = await startDaemon(bDir)
    const profile = classicTransportProfile()
    classical = await createLibp2p({
      ...profile.libp2pOptions(),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    })
  })

  afterAll(async () => {
    await classical?.stop()
    await Promise.all([a?.stop(), b?.stop()])
    rmSync(base, { recursive: true, force: true })
  })

  it('members connect over STOQ, and the API says so', async () => {
    await b.call('network.join', await a.call('network.invite', {}))
    await waitFor('A to list B', async () =>
      (await a.call('peers.list', {})).some((p) => p.peerId === b.peerId),
    )
    const peer = (await a.call('peers.list', {})).find((p) => p.peerId === b.peerId)
    expect(peer?.encryption).toBe(STOQ_PROTOCOL)
    expect(peer?.postQuantum).toBe(true)
    expect((await a.call('node.status', {})).transport.postQuantum).toBe(true)
  })

  it('the node also listens on QUIC, and a connection over it is STOQ', async () => {
    const address = (await a.call('node.status', {})).listenAddresses.find(
      (x) => x.startsWith('/ip4/') && x.includes('/quic-v1'),
    )
    expect(address).toBeDefined()
    const quicPeer = await createLibp2p({
      ...stoqTransportProfile({ falcon: falcon1024.keygen() }).libp2pOptions(),
    })
    try {
      const connection = await quicPeer.dial(multiaddr(address as string), {
        signal: AbortSignal.timeout(10_000),
      })
      expect(connection.remoteAddr.toString()).toContain('/quic-v1/')
      expect(connection.encryption).toBe(STOQ_PROTOCOL)
      expect(connection.multiplexer).toBe('/yamux/1.0.0')
    } finally {
      await quicPeer.stop()
    }
  })

  it('a peer offering only classical Noise cannot connect to a STOQ-only node', async () => {
    const address = (await a.call('node.status', {})).listenAddresses.find(
      (x) =>
        x.startsWith('/ip4/') && x.includes('/tcp/') && !x.includes('/ws/') && !x.includes('p2p-circuit'),
    )
    await expect(
      classical.dial(multiaddr(address as string), { signal: AbortSignal.timeout(10_000) }),
    ).rejects.toThrow()
  })

  it('a classical connection to a node that speaks Noise is closed, because the network requires STOQ', async () => {
    const address = (await b.call('node.status', {})).listenAddresses.find(
      (x) =>
        x.startsWith('/ip4/') && x.includes('/tcp/') && !x.includes('/ws/') && !x.includes('p2p-circuit'),
    )
    const connection = await classical.dial(multiaddr(address as string), {
      signal: AbortSignal.timeout(10_000),
    })
    expect(connection.encryption).toBe('/noise')
    await waitFor('B to close the classical connection', () => connection.status !== 'open', 10_000)
    expect((await b.call('peers.list', {})).map((p) => p.peerId)).not.toContain(classical.peerId.toString())
  })
})
