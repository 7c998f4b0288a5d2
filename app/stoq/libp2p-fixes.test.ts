import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Connection } from '@libp2p/interface'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { cancelAddressUpdatesOnStop, fixQuadraticGetConnections } from './libp2p-fixes'
import { stoqTransportProfile } from './stoq-profile'

describe('fixQuadraticGetConnections', () => {
  let hub: Libp2p
  const spokes: Libp2p[] = []
  beforeAll(async () => {
    const falcon = falcon1024.keygen()
    const make = () =>
      createLibp2p({
        ...stoqTransportProfile({ falcon }).libp2pOptions(),
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      })
    hub = await make()
    for (let i = 0; i < 3; i++) spokes.push(await make())
    for (const spoke of spokes) await spoke.dial(hub.getMultiaddrs()[0] as never)
    // The hub registers each inbound connection just after the dialer's dial() resolves.
    const deadline = Date.now() + 10_000
    while (hub.getConnections().length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
  })
  afterAll(async () => {
    await Promise.all([hub, ...spokes].map((n) => n.stop()))
  })

  it('returns exactly the connections, in the same order, as libp2p did', () => {
    const ids = (list: Connection[]): string[] => list.map((c) => c.id)
    const before = ids(hub.getConnections())
    const perPeer = ids(hub.getConnections(spokes[1]?.peerId))
    expect(before).toHaveLength(3)
    fixQuadraticGetConnections(hub)
    expect(ids(hub.getConnections())).toEqual(before)
    expect(ids(hub.getConnections(spokes[1]?.peerId))).toEqual(perPeer)
  })

  it('refuses, loudly, a libp2p whose internals it does not recognise', () => {
    expect(() => fixQuadraticGetConnections({} as Libp2p)).toThrow(/internals changed/)
  })
})

describe('cancelAddressUpdatesOnStop', () => {
  it('a stopped node does not update its peer store a second later', async () => {
    const node = await createLibp2p({
      ...stoqTransportProfile({
        falcon: falcon1024.keygen(),
        quic: false,
        webrtcDirect: false,
      }).libp2pOptions(),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    })
    cancelAddressUpdatesOnStop(node)
    const patched: string[] = []
    const peerStore = node.peerStore
    const patch = peerStore.patch.bind(peerStore)
    peerStore.patch = async (...args) => {
      patched.push(args[0].toString())
      return patch(...args)
    }
    await node.stop()
    await new Promise((resolve) => setTimeout(resolve, 1_300))
    expect(patched).toEqual([])
  })

  it('refuses, loudly, a libp2p whose internals it does not recognise', () => {
    expect(() => cancelAddressUpdatesOnStop({} as Libp2p)).toThrow(/internals changed/)
  })
})
