import { describe, expect, it } from 'vitest'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { MultiaddrConnection } from '@libp2p/interface'
import { createConnectionLimiter } from './limits'

/** A real inbound MultiaddrConnection that appears to come from `host`. */
const inboundFrom = (host: string): MultiaddrConnection =>
  multiaddrConnectionPair({ inbound: { remoteAddr: multiaddr(`/ip4/${host}/tcp/40000`) } })[1]

const newPeer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('connection limiter', () => {
  it('admits maxPendingPerHost handshakes from one host, refuses the next, and still admits other hosts', () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 3, maxConnectionsPerPeer: 4 }, () => 0)
    const admitted = [1, 2, 3].map(() => limiter.denyInboundConnection?.(inboundFrom('10.0.0.1')))
    expect(admitted).toEqual([false, false, false])
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.1'))).toBe(true)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.2'))).toBe(false)
    expect(limiter.pendingByHost().get('10.0.0.1')).toBe(3)
    expect(limiter.refused()['pending-per-host']).toBe(1)
  })

  it('gives a slot back when a pending connection closes or finishes its handshake', async () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 1, maxConnectionsPerPeer: 4 }, () => 0)
    const first = inboundFrom('10.0.0.3')
    expect(limiter.denyInboundConnection?.(first)).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.3'))).toBe(true)
    await first.close()
    expect(limiter.pendingByHost().has('10.0.0.3')).toBe(false)

    const second = inboundFrom('10.0.0.3')
    expect(limiter.denyInboundConnection?.(second)).toBe(false)
    expect(limiter.denyInboundEncryptedConnection?.(await newPeer(), second)).toBe(false)
    expect(limiter.denyInboundConnection?.(inboundFrom('10.0.0.3'))).toBe(false)
  })

  it('releases a slot only once, whatever order close and handshake end arrive in', async () => {
    const limiter = createConnectionLimiter({ maxPendingPerHost: 2, maxConnectionsPerPeer: 4 }, () => 0)
    const a = inboundFrom('10.0.0.4')
    const b = inboundFrom('10.0.0.4')
    limiter.denyInboundConnection?.(a)
    limiter.denyInboundConnection?.(b)
    limiter.denyInboundEncryptedConnection?.(await newPeer(), a)
    await a.close()
    expect(limiter.pendingByHost().get('10.0.0.4')).toBe(1)
  })

  it('refuses a peer that already holds maxConnectionsPerPeer connections, in both directions', async () => {
    const peer = await newPeer()
    let open = 2
    const limiter = createConnectionLimiter({ maxPendingPerHost: 8, maxConnectionsPerPeer: 2 }, () => open)
    expect(limiter.denyInboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(true)
    expect(limiter.denyOutboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(true)
    open = 1
    expect(limiter.denyInboundUpgradedConnection?.(peer, inboundFrom('10.0.0.5'))).toBe(false)
    expect(limiter.refused()['per-peer']).toBe(2)
  })
})
