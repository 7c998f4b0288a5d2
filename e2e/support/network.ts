/**
 * Real nodes for the browser e2e tests that need a network of them: the first node's network, which the
 * others join by its invite; and, for the tests that pay providers, those members on its ledger as CPU
 * providers (funded, staked, sharing their CPU at a price and registered).
 */
import { join } from 'node:path'
import { defaultSharing } from '../../app/assets/sharing/defaults'
import type { ChainStatus, DiscoveredAsset } from '../../shared/api'
import { startDaemon, waitFor, type Daemon } from '../../test/support/daemon'

/** A node's ledger as it sees it; throws when it has none. */
export async function chainOf(node: Daemon): Promise<Extract<ChainStatus, { available: true }>> {
  const status = await node.call('chain.status', {})
  if (!status.available) throw new Error(`no chain: ${status.reason}`)
  return status
}

/**
 * A daemon per name, each in its folder under `base`, started together; every one after the first joins
 * the first's network by invite. Resolves, in the order of `names`, once the first lists them all as peers.
 */
export async function startNetwork(base: string, names: readonly string[]): Promise<Daemon[]> {
  const nodes = await Promise.all(names.map((name) => startDaemon(join(base, name))))
  const [owner, ...members] = nodes
  if (owner == null) throw new Error('a network needs at least one node')
  const { invite } = await owner.call('network.invite', {})
  for (const member of members) await member.call('network.join', { invite })
  await waitFor(
    `${members.length} members to be in the first node’s network`,
    async () => (await owner.call('peers.list', {})).length >= members.length,
    30_000,
  )
  return nodes
}

/**
 * Makes members of `owner`'s network CPU providers on its ledger, as the jobs need them: the owner funds
 * each (the devnet's validator holds its money), each stakes, shares its CPU at `pricePerCoreHour` (units)
 * and registers it; resolves once the owner's ledger lists every one's CPU.
 */
export async function registerCpuProviders(
  owner: Daemon,
  providers: readonly Daemon[],
  pricePerCoreHour: string,
): Promise<void> {
  const { chainId } = await chainOf(owner)
  for (const provider of providers) {
    await waitFor(
      'a provider to sync the owner’s chain',
      async () => (await chainOf(provider)).chainId === chainId,
      60_000,
    )
    await owner.call('chain.transfer', { to: (await chainOf(provider)).self.address, amount: '1000000' })
  }
  for (const provider of providers) {
    await waitFor(
      'a provider to be funded',
      async () => (await chainOf(provider)).self.balance !== '0',
      60_000,
    )
    await provider.call('chain.stake', { amount: '1000' })
  }
  for (const provider of providers) {
    await waitFor(
      'a provider’s stake to be bonded',
      async () => (await chainOf(provider)).self.bonded === '1000',
      60_000,
    )
    await provider.call('sharing.update', {
      resource: 'cpu',
      settings: {
        ...defaultSharing('cpu'),
        enabled: true,
        privacy: 'FullPublic',
        allocationPercent: 50,
        minPricePerHour: pricePerCoreHour,
      },
    })
    await provider.call('assets.register', { resource: 'cpu' })
  }
  await waitFor(
    'the providers’ CPU to be on the owner’s ledger',
    async () =>
      (await owner.call('assets.discover', {})).filter((asset: DiscoveredAsset) => asset.resource === 'cpu')
        .length >= providers.length,
    60_000,
  )
}
