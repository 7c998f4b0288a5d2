/**
 * LAN discovery: two nodes of different networks find each other by mDNS and each is listed to the other
 * as a node to ask for an invite; neither learns the other's network, and neither becomes the other's
 * peer, until one joins with the other's invite. Runs inside a network namespace made for the test, so the
 * multicast never reaches a real network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'
import { createTestNamespace, namespaceUnavailableReason, type TestNamespace } from './support/netns'

const unavailable = namespaceUnavailableReason()
if (unavailable != null) console.warn(`LAN discovery test NOT RUN: ${unavailable}`)

describe.skipIf(unavailable != null)('LAN discovery by mDNS (in a network namespace)', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-lan-'))
  let ns: TestNamespace
  let a: Daemon
  let b: Daemon

  beforeAll(async () => {
    ensureBuilt()
    ns = createTestNamespace('lan', 1)
    const args = ['--mdns', '--api-host', ns.address]
    ;[a, b] = await Promise.all([
      startDaemon(join(base, 'a'), args, { wrap: ns.exec }),
      startDaemon(join(base, 'b'), args, { wrap: ns.exec }),
    ])
  })

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    ns?.remove()
    rmSync(base, { recursive: true, force: true })
  })

  it('lists the other node without its network, admits nobody, and joining takes its invite', async () => {
    const networkB = (await b.call('node.status', {})).network
    await waitFor('A to be offered B', async () =>
      (await a.call('network.lanOffers', {})).some((o) => o.peerId === b.peerId),
    )
    const offer = (await a.call('network.lanOffers', {})).find((o) => o.peerId === b.peerId)
    // B told A nothing of its network: the offer names the node alone.
    expect(Object.keys(offer ?? {}).sort()).toEqual(['addresses', 'peerId', 'seenAt'])
    // Offers are not members: B is not in A's peer list, nor A in B's.
    expect((await a.call('peers.list', {})).map((p) => p.peerId)).not.toContain(b.peerId)
    expect((await b.call('peers.list', {})).map((p) => p.peerId)).not.toContain(a.peerId)

    const joined = await a.call('network.join', await b.call('network.invite', {}))
    expect(joined.networkId).toBe(networkB.networkId)
    await waitFor('A and B to list each other', async () => {
      const seenByA = (await a.call('peers.list', {})).map((p) => p.peerId)
      const seenByB = (await b.call('peers.list', {})).map((p) => p.peerId)
      return seenByA.includes(b.peerId) && seenByB.includes(a.peerId)
    })
    // A member is no offer.
    await waitFor('B to be offered no more', async () =>
      (await a.call('network.lanOffers', {})).every((o) => o.peerId !== b.peerId),
    )
  })
})
