/** The pipe's address: which identity STOQ holds the peer to (the transports themselves: the pipe suite). */
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { pipeAddress } from './pipe'

const newPeer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('pipeAddress', () => {
  it('names the peer the carrier authenticated, when the carrier address did not', async () => {
    const peer = await newPeer()
    const carrier = { remoteAddr: multiaddr('/ip4/127.0.0.1/udp/4001/quic-v1') }
    expect(pipeAddress(carrier, peer).toString()).toBe(
      `/ip4/127.0.0.1/udp/4001/quic-v1/p2p/${peer.toString()}`,
    )
  })

  it('keeps an address that already names that peer, or that the carrier gave no peer for', async () => {
    const peer = await newPeer()
    const named = multiaddr(`/ip4/127.0.0.1/udp/4001/quic-v1/p2p/${peer.toString()}`)
    expect(pipeAddress({ remoteAddr: named }, peer)).toBe(named)
    expect(pipeAddress({ remoteAddr: named }, undefined)).toBe(named)
  })

  it('refuses an address that names another peer than the carrier authenticated', async () => {
    const [authenticated, other] = await Promise.all([newPeer(), newPeer()])
    const carrier = { remoteAddr: multiaddr(`/ip4/127.0.0.1/udp/4001/quic-v1/p2p/${other.toString()}`) }
    expect(() => pipeAddress(carrier, authenticated)).toThrow(/authenticated .* not /)
  })
})
