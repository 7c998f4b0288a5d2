/**
 * The five privacy levels, enforced between five real nodes. A shares its memory. B is a member of A's
 * network (inside, off the ledger). F joined A's network, staked and registered an asset there, then
 * left: it is outside, but A's ledger names it. C is on its own network, trusted by id; D is a stranger
 * on its own network (both outside, off the ledger).
 *
 * For each level exactly the peers it promises get a lease and use it through A's proxy, and exactly they
 * are shown A's memory when they ask A what it shares (`assets.discover` from A); the others are refused
 * the lease and shown nothing. Every two levels differ in whom they admit. A lease issued under a wider
 * level is refused at the protocol once the level narrows. Only the network and public levels go on the
 * ledger, and only on a network the terms name; what is there is discovered by members only. Proxy
 * addresses name peers and assets in the API: a holder, and where to reach a lease's owner.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSharing } from '../app/assets/sharing/defaults'
import type { DiscoveredAsset, OwnAssetInfo, SharingSettings } from '../shared/sharing-schemas'
import { ensureBuilt, startDaemon, waitFor, type Daemon } from './support/daemon'

const MiB = 1024 * 1024
const NAMES = ['A', 'B', 'C', 'D', 'F'] as const
type Name = (typeof NAMES)[number]
type Holder = Exclude<Name, 'A'>
const HOLDERS: Holder[] = ['B', 'C', 'D', 'F']

const memoryTerms = (terms: Partial<SharingSettings>): SharingSettings => ({
  ...defaultSharing('memory'),
  enabled: true,
  memoryInUseBytes: 64 * MiB,
  memoryIdleBytes: 64 * MiB,
  ...terms,
})

describe('privacy levels between five nodes, inside and outside the network, on and off its ledger', () => {
  const base = mkdtempSync(join(tmpdir(), 'hm-privacy-'))
  const nodes = {} as Record<Name, Daemon>
  const ids = {} as Record<Name, string>
  let networkA: string
  let addressA: string
  /** F's memory, registered on A's ledger before F left. */
  let memoryOfF: OwnAssetInfo

  const chain = async (node: Daemon) => {
    const status = await node.call('chain.status', {})
    if (!status.available) throw new Error(`no chain: ${status.reason}`)
    return status
  }

  beforeAll(async () => {
    ensureBuilt()
    for (const name of NAMES) {
      nodes[name] = await startDaemon(join(base, name))
      ids[name] = (await nodes[name].call('node.status', {})).peerId
    }
    const { invite } = await nodes.A.call('network.invite', {})
    for (const member of ['B', 'F'] as const) await nodes[member].call('network.join', { invite })
    const status = await nodes.A.call('node.status', {})
    networkA = status.network.networkId
    addressA = status.listenAddresses.find((a: string) => a.includes('/tcp/') && !a.includes('/ws'))!
    await waitFor(
      'B and F to be members of A’s network',
      async () => (await nodes.A.call('peers.list', {})).length >= 2,
      30_000,
    )

    // F gets on A's ledger: funded by A, it stakes and registers its memory, then leaves the network.
    const F = nodes.F
    await waitFor(
      'F to sync A’s chain',
      async () => (await chain(F)).chainId === (await chain(nodes.A)).chainId,
    )
    await nodes.A.call('chain.transfer', { to: (await chain(F)).self.address, amount: '1000000' })
    await waitFor('F to be funded', async () => (await chain(F)).self.balance !== '0', 60_000)
    await F.call('chain.stake', { amount: '1000' })
    await waitFor('F’s stake to be bonded', async () => (await chain(F)).self.bonded === '1000', 60_000)
    await F.call('sharing.update', {
      resource: 'memory',
      settings: memoryTerms({ privacy: 'PublicNetwork', networks: [networkA] }),
    })
    const { assetId } = await F.call('assets.register', { resource: 'memory' })
    memoryOfF = (await F.call('assets.list', {})).find((a: OwnAssetInfo) => a.resource === 'memory')!
    await waitFor(
      'F’s memory to be on A’s ledger',
      async () =>
        (await nodes.A.call('assets.discover', {})).some((a: DiscoveredAsset) => a.assetId === assetId),
      60_000,
    )
    await F.call('network.leave', {})
    // A node's first connection starts its signature worker threads; on a loaded machine that alone can
    // outlast a dial's timeout. Each outsider reaches A once before the levels are tried.
    for (const outsider of ['C', 'D', 'F'] as const)
      await waitFor(
        `${outsider} to reach A`,
        async () => (await nodes[outsider].callRaw('assets.discover', { from: addressA })).ok,
        120_000,
      )
    await waitFor(
      'F to be a member of A’s network no more',
      async () => !(await nodes.A.call('peers.list', {})).some((p: { peerId: string }) => p.peerId === ids.F),
      30_000,
    )
  }, 600_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((d) => d?.stop()))
    rmSync(base, { recursive: true, force: true })
  })

  const share = (terms: Partial<SharingSettings>) =>
    nodes.A.call('sharing.update', { resource: 'memory', settings: memoryTerms(terms) })

  /** Whether A leases memory to `holder`, and the holder then uses it through A's proxy. */
  async function leasesTo(holder: Holder): Promise<boolean> {
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
    const probe = await reaching(holder, 'assets.probeLease', { lease, address: addressA })
    if (!probe.ok) throw new Error(`${holder} was leased memory but could not use it: ${probe.error.message}`)
    return true
  }

  /** Whether `holder`, asking A what it shares, is shown A's memory. */
  async function isShown(holder: Holder): Promise<boolean> {
    const shown = await reaching(holder, 'assets.discover', { from: addressA })
    if (!shown.ok) throw new Error(`${holder} could not ask A: ${shown.error.message}`)
    const listed = shown.result as DiscoveredAsset[]
    for (const asset of listed) expect(asset).toMatchObject({ peerId: ids.A, source: 'owner', isOwn: false })
    return listed.some((a) => a.resource === 'memory')
  }

  /**
   * A call of `holder` that dials A, dialed again while it is UNREACHABLE: on a machine shared with other
   * test runs a dial has timed out now and then. A refusal is an answer, and is returned at once.
   */
  async function reaching(holder: Holder, method: string, params: unknown) {
    let response = await nodes[holder].callRaw(method, params)
    for (let tries = 1; tries < 3 && !response.ok && response.error.code === 'UNREACHABLE'; tries++)
      response = await nodes[holder].callRaw(method, params)
    return response
  }

  const levels: [string, () => Partial<SharingSettings>, Holder[]][] = [
    ['Private', () => ({ privacy: 'Private' }), []],
    ['PrivateNetwork', () => ({ privacy: 'PrivateNetwork', networks: [networkA] }), ['B']],
    ['P2P', () => ({ privacy: 'P2P', trustedPeers: [ids.C] }), ['C']],
    ['PublicNetwork', () => ({ privacy: 'PublicNetwork', networks: [networkA] }), ['B', 'F']],
    ['FullPublic', () => ({ privacy: 'FullPublic' }), ['B', 'C', 'D', 'F']],
  ]
  const admitted = new Map<string, Holder[]>()
  for (const [level, terms, allowed] of levels)
    it(`${level}: ${allowed.length === 0 ? 'nobody' : allowed.join(', ')} may see and use A’s memory`, async () => {
      await share(terms())
      const used: Holder[] = []
      const shown: Holder[] = []
      for (const holder of HOLDERS) {
        if (await leasesTo(holder)) used.push(holder)
        if (await isShown(holder)) shown.push(holder)
      }
      expect({ used, shown }).toEqual({ used: allowed, shown: allowed })
      admitted.set(level, used)
    }, 300_000)

  it('every two levels differ in whom they admit', () => {
    expect(admitted.size).toBe(levels.length)
    const sets = [...admitted.values()].map((holders) => holders.join(','))
    expect(new Set(sets).size).toBe(levels.length)
  })

  it('a lease issued under a wider level is refused at the protocol once the level narrows', async () => {
    await share({ privacy: 'FullPublic' })
    const issued = await nodes.A.call('assets.issueLease', {
      holder: ids.D,
      resource: 'memory',
      amountBytes: MiB,
      minutes: 5,
    })
    await share({ privacy: 'PrivateNetwork', networks: [networkA] })
    const probe = await nodes.D.callRaw('assets.probeLease', { lease: issued.lease, address: addressA })
    expect(probe.ok).toBe(false)
    if (!probe.ok) expect(probe.error.message).toMatch(/refused \(not-allowed\)/)
  }, 180_000)

  it('only a network level on a network it names, or FullPublic, goes on the ledger; members alone discover it', async () => {
    const refusals: [Partial<SharingSettings>, RegExp][] = [
      [{ privacy: 'Private' }, /Private asset is not announced/],
      [{ privacy: 'P2P', trustedPeers: [ids.C] }, /P2P asset is not announced/],
      [{ privacy: 'PrivateNetwork', networks: ['e'.repeat(64)] }, /only on the networks its terms name/],
    ]
    for (const [terms, why] of refusals) {
      await share(terms)
      const refused = await nodes.A.callRaw('assets.register', { resource: 'memory' })
      expect(refused.ok).toBe(false)
      if (!refused.ok) expect(refused.error.message).toMatch(why)
    }
    await share({ privacy: 'PublicNetwork', networks: [networkA] })
    const { assetId } = await nodes.A.call('assets.register', { resource: 'memory' })
    for (const member of ['A', 'B'] as const)
      await waitFor(
        `${member} to discover A's memory`,
        async () =>
          (await nodes[member].call('assets.discover', {})).some(
            (a: DiscoveredAsset) => a.assetId === assetId && a.source === 'ledger',
          ),
        60_000,
      )
    // C, D and F read their own networks' ledgers, where A's memory is not.
    for (const other of ['C', 'D', 'F'] as const)
      expect(
        (await nodes[other].call('assets.discover', {})).some((a: DiscoveredAsset) => a.assetId === assetId),
      ).toBe(false)
  }, 180_000)

  it('a proxy address names a peer or an asset wherever the API asks for one', async () => {
    await share({ privacy: 'PublicNetwork', networks: [networkA] })
    // F's memory is on A's ledger: its proxy address resolves there to F, and names F as a holder.
    expect(await nodes.A.call('assets.resolve', { address: memoryOfF.proxyAddress })).toMatchObject({
      peerId: ids.F,
      resource: 'memory',
      assetId: memoryOfF.assetId,
      registered: true,
    })
    const forF = await nodes.A.call('assets.issueLease', {
      holder: memoryOfF.proxyAddress,
      resource: 'memory',
      amountBytes: MiB,
      minutes: 5,
    })
    expect(JSON.parse(forF.lease).terms.holder).toBe(ids.F)
    // B reaches A by the proxy address of A's memory (registered above), and is shown A's assets by it.
    const memoryOfA = (await nodes.A.call('assets.list', {})).find(
      (a: OwnAssetInfo) => a.resource === 'memory',
    )!
    const forB = await nodes.A.call('assets.issueLease', {
      holder: ids.B,
      resource: 'memory',
      amountBytes: MiB,
      minutes: 5,
    })
    const probe = await nodes.B.call('assets.probeLease', {
      lease: forB.lease,
      address: memoryOfA.proxyAddress,
    })
    expect(probe).toMatchObject({ resource: 'memory', bytes: 4096 })
    // A trusted peer named by its asset's proxy address is kept as its peer id.
    const trusted = await nodes.A.call('sharing.update', {
      resource: 'memory',
      settings: memoryTerms({ privacy: 'P2P', trustedPeers: [memoryOfF.proxyAddress] }),
    })
    expect(trusted.resources.memory.settings.trustedPeers).toEqual([ids.F])
    await share({ privacy: 'PublicNetwork', networks: [networkA] })
    const listed = await nodes.B.call('assets.discover', { from: memoryOfA.proxyAddress })
    expect(listed.map((a: DiscoveredAsset) => a.proxyAddress)).toContain(memoryOfA.proxyAddress)
    // The proxy address of someone else's asset is not where a lease's owner is.
    const wrong = await nodes.B.callRaw('assets.probeLease', {
      lease: forB.lease,
      address: memoryOfF.proxyAddress,
    })
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) expect(wrong.error.message).toMatch(/not by the lease's owner/)
  }, 180_000)
})
