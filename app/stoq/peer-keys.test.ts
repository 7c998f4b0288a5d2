/**
 * Issue 17, items 5 and 22: a peer's FALCON key is checked against the one bound to its peer id, and
 * classical Noise is refused from peers known to speak STOQ, counted where the dashboard reads it.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddrConnectionPair } from '@libp2p/utils'
import type { PrivateKey, Upgrader } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { withDeadline } from '../../test/compliance/connection-encrypter'
import { classicTransportProfile } from './classic'
import { stoq } from './encrypter'
import { createStoqMetrics, type StoqMetrics } from './metrics'
import type { PeerKeyDirectory } from './peer-keys'
import { stoqTransportProfile } from './stoq-profile'

type FalconKeyPair = { publicKey: Uint8Array; secretKey: Uint8Array }
const upgrader = { getStreamMuxers: () => new Map() } as unknown as Upgrader
const NO_MUXER = { skipStreamMuxerNegotiation: true } as const
const DEADLINE_MS = 15_000

/** A directory held in memory: bound keys set by the test, and the peers that proved a key. */
function directory(
  bound: Record<string, Uint8Array> = {},
): PeerKeyDirectory & { proved: Map<string, Uint8Array> } {
  const proved = new Map<string, Uint8Array>()
  return {
    proved,
    boundFalconKey: (peer) => bound[peer],
    speaksStoq: (peer) => bound[peer] != null || proved.has(peer),
    provedFalconKey: (peer, key) => void proved.set(peer, key),
  }
}

let keys: FalconKeyPair[] = []
beforeAll(() => {
  keys = [falcon1024.keygen(), falcon1024.keygen(), falcon1024.keygen()]
})

async function encrypterPeer(falcon: FalconKeyPair, peerKeys?: PeerKeyDirectory, metrics?: StoqMetrics) {
  const privateKey = await generateKeyPair('Ed25519')
  const encrypter = stoq({ falcon, peerKeys, metrics })({ privateKey, logger: defaultLogger(), upgrader })
  return { encrypter, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'secured',
    (err: Error) => `${err.name}: ${err.message}`,
  )

describe('STOQ handshake: the FALCON key must be the one bound to the peer id (item 5)', () => {
  it('refuses, in either role, a peer that proves a key other than its bound one', async () => {
    const [alice, bob] = [keys[0]!, keys[1]!]
    const aliceSide = await encrypterPeer(alice)
    // Bob's directory binds Alice's peer id to a third key: her real key is then not hers to use.
    const bobMetrics = createStoqMetrics()
    const bobKeys = directory()
    const bobSide = await encrypterPeer(bob, bobKeys, bobMetrics)
    const bound = { [aliceSide.peerId]: keys[2]!.publicKey }
    Object.assign(bobKeys, { boundFalconKey: (peer: string) => bound[peer] })

    const [outbound, inbound] = multiaddrConnectionPair()
    const [dialer, listener] = await withDeadline(
      Promise.all([
        outcome(aliceSide.encrypter.secureOutbound(outbound, NO_MUXER)),
        outcome(bobSide.encrypter.secureInbound(inbound, NO_MUXER)),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    expect(listener).toMatch(/^InvalidCryptoExchangeError: .*not the one bound to its peer id/)
    // The dialer sent its last message before the listener refused; the listener's end is closed.
    expect(dialer).toBe('secured')
    expect(bobMetrics.snapshot().handshakes.failuresByReason).toEqual({ 'unbound-falcon-key': 1 })
    expect(bobKeys.proved.has(aliceSide.peerId)).toBe(false)

    // The same check on the dialing side: Alice's directory binds Bob to a key he does not hold.
    const aliceKeys = directory({ [bobSide.peerId]: keys[2]!.publicKey })
    const checkingAlice = await encrypterPeer(alice, aliceKeys)
    const [out2, in2] = multiaddrConnectionPair()
    const [dialer2] = await withDeadline(
      Promise.all([
        outcome(checkingAlice.encrypter.secureOutbound(out2, NO_MUXER)),
        outcome(bobSide.encrypter.secureInbound(in2, NO_MUXER)),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    expect(dialer2).toMatch(/not the one bound to its peer id/)
  })

  it('accepts the bound key, and reports every peer that proved one', async () => {
    const aliceSide = await encrypterPeer(keys[0]!)
    const bobKeys = directory()
    const bobSide = await encrypterPeer(keys[1]!, bobKeys)
    Object.assign(bobKeys, {
      boundFalconKey: (peer: string) => (peer === aliceSide.peerId ? keys[0]!.publicKey : undefined),
    })
    const [outbound, inbound] = multiaddrConnectionPair()
    const results = await withDeadline(
      Promise.all([
        outcome(aliceSide.encrypter.secureOutbound(outbound, NO_MUXER)),
        outcome(bobSide.encrypter.secureInbound(inbound, NO_MUXER)),
      ]),
      DEADLINE_MS,
      'handshake',
    )
    expect(results).toEqual(['secured', 'secured'])
    expect(bobKeys.proved.get(aliceSide.peerId)).toEqual(keys[0]!.publicKey)
  })
})

describe('classical Noise refused from peers known to speak STOQ (item 22)', () => {
  const nodes: Libp2p[] = []
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()))
  })

  const start = async (node: Promise<Libp2p>): Promise<Libp2p> => {
    const started = await node
    nodes.push(started)
    return started
  }
  /** A node that speaks STOQ and, like a network that allows it, classical Noise too. */
  const bothNode = (peerKeys: PeerKeyDirectory, metrics: StoqMetrics, privateKey?: PrivateKey) =>
    start(
      createLibp2p({
        ...stoqTransportProfile({
          falcon: keys[1]!,
          metrics,
          peerKeys,
          offerClassicalNoise: true,
          quic: false,
          webrtcDirect: false,
        }).libp2pOptions(),
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        ...(privateKey == null ? {} : { privateKey }),
      }),
    )
  const classicNode = (privateKey: PrivateKey, listen = false) =>
    start(
      createLibp2p({
        ...classicTransportProfile().libp2pOptions(),
        addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
        privateKey,
      }),
    )
  const stoqNode = (privateKey: PrivateKey) =>
    start(
      createLibp2p({
        ...stoqTransportProfile({ falcon: keys[0]!, quic: false, webrtcDirect: false }).libp2pOptions(),
        privateKey,
      }),
    )
  /**
   * 'refused' when the dial fails or its connection is closed by the other end within the deadline (a
   * Noise dialer finishes its handshake before the listener can refuse it), 'secured' when it stays open.
   */
  async function dialOutcome(from: Libp2p, to: Libp2p): Promise<'refused' | 'secured'> {
    let connection
    try {
      connection = await from.dial(to.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(DEADLINE_MS) })
    } catch {
      return 'refused'
    }
    const deadline = Date.now() + 3_000
    while (Date.now() < deadline) {
      if (connection.status !== 'open') return 'refused'
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return 'secured'
  }

  it('a peer that spoke STOQ once cannot come back over classical Noise, and the refusal is counted', async () => {
    const metrics = createStoqMetrics()
    const listener = await bothNode(directory(), metrics)
    const identity = await generateKeyPair('Ed25519')
    // First contact: STOQ.
    const honest = await stoqNode(identity)
    const first = await honest.dial(listener.getMultiaddrs()[0]!)
    expect(first.encryption).toBe('/stoq/1.0.0')
    await honest.stop()
    // The same peer id, now offering only classical Noise (what an attacker in the path leaves).
    const downgraded = await classicNode(identity)
    expect(await dialOutcome(downgraded, listener)).toBe('refused')
    expect(metrics.snapshot().downgradesRefused).toBe(1)
    // A peer never seen over STOQ may still use Noise where the network allows it.
    const stranger = await classicNode(await generateKeyPair('Ed25519'))
    expect(await dialOutcome(stranger, listener)).toBe('secured')
    expect(metrics.snapshot().downgradesRefused).toBe(1)
  })

  it('a node does not dial a peer with a bound FALCON key over classical Noise', async () => {
    const identity = await generateKeyPair('Ed25519')
    const peer = peerIdFromPrivateKey(identity).toString()
    const metrics = createStoqMetrics()
    const dialer = await bothNode(directory({ [peer]: keys[0]!.publicKey }), metrics)
    const classicalOnly = await classicNode(identity, true)
    expect(await dialOutcome(dialer, classicalOnly)).toBe('refused')
    expect(metrics.snapshot().downgradesRefused).toBe(1)
  })
})
