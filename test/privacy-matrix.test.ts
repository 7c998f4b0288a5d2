/**
 * The five privacy levels, enforced between five real nodes: A shares its memory; B and E are members of
 * A's network; C is on its own network but trusted by id; D is a stranger on its own network. For each
 * level exactly the allowed peers get a lease and use it through A's proxy; the others are refused a
 * lease, and a lease issued under a wider level is refused at the protocol once the level narrows. A's
 * registered asset is discovered by the members of its network only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { SharingSettings } from '../shared/sharing-schemas'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024

describe('privacy levels between five nodes', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-privacy-'))
  const nodes: Record<'A' | 'B' | 'C' | 'D' | 'E', Daemon> = {} as never
  const ids: Record<string, string> = {}
  let networkA: string
  let addressA: string

  beforeAll(async () => {
    ensureBuilt()
    for (const name of ['A', 'B', 'C', 'D', 'E'] as const) {
      nodes[name] = await startDaemon(join(base, name))
      ids[name] = (await nodes[name].call('node.status', {})).peerId
    }
    const { invite } = await nodes.A.call('network.invite', {})
    await nodes.B.call('network.join', { invite })
    await nodes.E.call('network.join', { invite })
    const status = await nodes.A.call('node.status', {})
    networkA = status.network.networkId
    addressA = status.listenAddresses.find((a: string) => a.includes('/tcp/') && !a.includes('/ws'))!
    await waitFor(
      'B and E to be members of A’s network',
      async () => (await nodes.A.call('peers.list', {})).length >= 2,
      30_000,
    )
  }, 180_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  const share = (terms: Partial<SharingSettings>) =>
    nodes.A.call('sharing.update', {
      resource: 'memory',
      settings: {
        ...defaultSharing('memory'),
        enabled: true,
        memoryInUseBytes: 64 * MiB,
        memoryIdleBytes: 64 * MiB,
        ...terms,
      },
    })
  /** Whether A leases memory to `holder`, and the holder then uses it through A's proxy. */
  async function leasesTo(holder: 'B' | 'C' | 'D' | 'E'): Promise<boolean> {
    const issued = await nodes.A.callRaw('assets.issueLease', {
      holder: ids[holder],
      resource: 'memory',
      amountBytes: MiB,
      minutes: 5,
    })
    if (!issued.ok) {
      expect(issued.error.message).toMatch(/^no lease for/)
      return false
    }
    const { lease } = issued.result as { lease: string }
    const probe = await nodes[holder].callRaw('assets.probeLease', { lease, address: addressA })
    if (!probe.ok) throw new Error(`${holder} was leased memory but could not use it: ${probe.error.message}`)
    return true
  }

  const levels: [string, () => Partial<SharingSettings>, string[]][] = [
    ['Private', () => ({ privacy: 'Private' }), []],
    ['PrivateNetwork', () => ({ privacy: 'PrivateNetwork', networks: [networkA] }), ['B', 'E']],
    ['P2P', () => ({ privacy: 'P2P', trustedPeers: [ids.C!] }), ['C']],
    ['PublicNetwork', () => ({ privacy: 'PublicNetwork', networks: [networkA] }), ['B', 'E']],
    ['FullPublic', () => ({ privacy: 'FullPublic' }), ['B', 'C', 'D', 'E']],
  ]
  for (const [level, terms, allowed] of levels)
    it(`${level}: ${allowed.length === 0 ? 'nobody' : allowed.join(', ')} may lease and use A’s memory`, async () => {
      await share(terms())
      const got: string[] = []
      for (const holder of ['B', 'C', 'D', 'E'] as const) if (await leasesTo(holder)) got.push(holder)
      expect(got).toEqual(allowed)
    }, 120_000)

  it('a lease issued under a wider level is refused at the protocol once the level narrows', async () => {
    await share({ privacy: 'FullPublic' })
    const issued = await nodes.A.call('assets.issueLease', {
      holder: ids.D!,
      resource: 'memory',
      amountBytes: MiB,
      minutes: 5,
    })
    await share({ privacy: 'PrivateNetwork', networks: [networkA] })
    const probe = await nodes.D.callRaw('assets.probeLease', { lease: issued.lease, address: addressA })
    expect(probe.ok).toBe(false)
    if (!probe.ok) expect(probe.error.message).toMatch(/refused \(not-allowed\)/)
  }, 60_000)

  it('A’s registered memory is discovered by the members of its network, not by others', async () => {
    await share({ privacy: 'PublicNetwork', networks: [networkA] })
    const { assetId } = await nodes.A.call('assets.register', { resource: 'memory' })
    for (const member of ['A', 'B', 'E'] as const)
      await waitFor(
        `${member} to discover A's memory`,
        async () =>
          (await nodes[member].call('assets.discover', {})).some(
            (a: { assetId: string }) => a.assetId === assetId,
          ),
        60_000,
      )
    for (const other of ['C', 'D'] as const)
      expect(await nodes[other].call('assets.discover', {})).toEqual([])
  }, 120_000)
})
