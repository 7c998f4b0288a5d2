/**
 * Issue 17, item 8: a replayed message 1 is cheap to send and was expensive to answer (an ML-KEM
 * encapsulation and a FALCON signature), and per-host limits counted 40 addresses of one network as 40
 * hosts. Here an attacker replays one recorded message 1 from 40 loopback addresses of one /24
 * (127.0.3.1–40) for a few seconds against a node composed as the daemon composes it (its libp2p options,
 * connection limits and STOQ profile, with default config), while an honest peer from 127.0.0.1 dials.
 * What must hold: the honest dial completes; the node signs with its FALCON key for nobody but the honest
 * peer; and it answers the attacker's network at most at the per-network rate.
 */
import { connect } from 'node:net'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createConnectionLimiter,
  inlineFalconSigner,
  stoq,
  STOQ_PROTOCOL,
  STOQ_NOISE_PROTOCOL,
  stoqTransportProfile,
  type ConnectionLimiter,
} from '../app/stoq'
import { generateX25519, InitiatorHandshake } from '../app/stoq/handshake/xxhfs'
import { NodeConfig } from '../app/node/config'
import { buildLibp2pOptions } from '../app/node/libp2p-options'

const ATTACK_HOSTS = 40
const ATTACK_MS = 4_000
/** Generous: the honest dial takes well under a second on an idle machine. */
const HONEST_DIAL_BOUND_MS = 15_000

const varintPrefixed = (text: string): Buffer => {
  const bytes = Buffer.from(text)
  return Buffer.concat([Buffer.of(bytes.length), bytes]) // every line here is under 128 bytes
}

/** What the attacker sends on every connection: multistream-select for STOQ, then one recorded message 1. */
async function replayBytes(): Promise<Buffer> {
  const keys = {
    identity: await generateKeyPair('Ed25519'),
    staticKey: generateX25519(),
    falcon: inlineFalconSigner(falcon1024.keygen()),
    streamMuxers: [],
  }
  const prologue = new TextEncoder().encode(`${STOQ_PROTOCOL} ${STOQ_NOISE_PROTOCOL}`)
  const m1 = new InitiatorHandshake(keys, prologue).writeMessage1()
  return Buffer.concat([
    varintPrefixed('/multistream/1.0.0\n'),
    varintPrefixed(`${STOQ_PROTOCOL}\n`),
    Buffer.of(m1.length >> 8, m1.length & 0xff),
    m1,
  ])
}

/** Sends the replay once from `localAddress`: true if the node answered with a message 2. */
function replayOnce(port: number, localAddress: string, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    let received = 0
    const socket = connect({ host: '127.0.0.1', port, localAddress })
    const done = (answered: boolean): void => {
      socket.destroy()
      resolve(answered)
    }
    const timer = setTimeout(() => done(false), 2_000)
    const end = (answered: boolean): void => {
      clearTimeout(timer)
      done(answered)
    }
    socket.on('connect', () => socket.write(bytes))
    socket.on('data', (data) => {
      received += data.length
      // Message 2 is about 3.6 kB; the multistream answers alone are a few dozen bytes.
      if (received > 3_000) end(true)
    })
    socket.on('error', () => end(false))
    socket.on('close', () => end(false))
  })
}

describe('a replayed message 1 from many addresses of one network', () => {
  let target: Libp2p
  let honest: Libp2p
  let limiter: ConnectionLimiter
  let signatures = 0

  beforeAll(async () => {
    const falcon = falcon1024.keygen()
    const inline = inlineFalconSigner(falcon)
    const counting = { ...inline, sign: (m: Uint8Array) => (signatures++, inline.sign(m)) }
    const config = NodeConfig.parse({
      listen: { loopbackOnly: true, ipv6: false },
      discovery: { mdns: false },
      nat: { relayReservations: 0, upnp: false, autoNAT: false, dcutr: false },
      transport: { quic: false, webrtcDirect: false },
    })
    // As app/node/node.ts makes it.
    limiter = createConnectionLimiter(
      {
        maxPendingPerHost: config.connections.maxPendingPerHost,
        maxPendingPerNetwork: config.connections.maxPendingPerNetwork,
        inboundPerNetworkPerSecond: config.connections.inboundConnectionsPerNetworkPerSecond,
        inboundHandshakesPerSecond: config.connections.inboundHandshakesPerSecond,
        maxConnectionsPerPeer: config.connections.maxConnectionsPerPeer,
      },
      () => 0,
    )
    const profile = stoqTransportProfile({ falcon, falconSigner: counting, quic: false, webrtcDirect: false })
    const { options } = buildLibp2pOptions({
      privateKey: await generateKeyPair('Ed25519'),
      config,
      profile,
      listen: { loopbackOnly: true, ipv6: false, tcpPort: 0, wsPort: 0 },
      connectionGater: limiter,
    })
    target = await createLibp2p({ ...options, start: true })
    honest = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [stoq({ falcon: falcon1024.keygen() })],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false }, // loopback is all there is here
    })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([honest?.stop(), target?.stop()])
  })

  it('costs the node no FALCON signature, is answered at most at the per-network rate, and the honest dial gets in', async () => {
    const address = target
      .getMultiaddrs()
      .find((a) => a.toString().startsWith('/ip4/127.0.0.1/tcp/') && !a.toString().includes('/ws'))
    expect(address).toBeDefined()
    const port = Number(address!.toString().split('/')[4])
    const bytes = await replayBytes()

    let attempts = 0
    let answered = 0
    const started = performance.now()
    const attacker = async (host: number): Promise<void> => {
      while (performance.now() - started < ATTACK_MS) {
        attempts++
        if (await replayOnce(port, `127.0.3.${host}`, bytes)) answered++
      }
    }
    const attack = Promise.all(Array.from({ length: ATTACK_HOSTS }, (_, i) => attacker(i + 1)))

    // The honest peer dials once the flood is under way.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const dialStarted = performance.now()
    const connection = await honest.dial(multiaddr(address!.toString()), {
      signal: AbortSignal.timeout(HONEST_DIAL_BOUND_MS),
    })
    const dialMs = performance.now() - dialStarted
    await attack
    const seconds = (performance.now() - started) / 1000

    expect(connection.encryption).toBe(STOQ_PROTOCOL)
    expect(dialMs).toBeLessThan(HONEST_DIAL_BOUND_MS)
    // The attacker tried more than the per-network rate allows, and was answered within it.
    expect(answered).toBeGreaterThan(0)
    expect(attempts).toBeGreaterThan(answered)
    expect(answered).toBeLessThanOrEqual(Math.ceil(20 * (seconds + 1)))
    expect(limiter.refused()['network-rate']).toBeGreaterThan(0)
    // One signature with the node's long-term key: message 4 of the honest handshake.
    expect(signatures).toBe(1)
  }, 60_000)
})
