import { useHyperMesh } from '../store/context'
import { selectConnection } from '../store/selectors'
import { HardwareCard } from './HardwareCard'
import { Header } from './Header'
import { InviteCard } from './InviteCard'
import { JoinCard } from './JoinCard'
import { NodeCard } from './NodeCard'
import { PeersCard } from './PeersCard'
import { TransportCard } from './TransportCard'
import { ChainCard } from './ChainCard'
import { WalletCard } from './WalletCard'
import { SharingCard } from './sharing/SharingCard'
import { NetworkAssetsCard } from './sharing/NetworkAssetsCard'
import { LeasesCard } from './sharing/LeasesCard'
import { RewardsCard } from './rewards/RewardsCard'
import { FilesCard } from './files/FilesCard'

export function Dashboard() {
  // While the link is down the figures are the last known ones: show them dimmed, not gone.
  const stale = useHyperMesh(selectConnection) === 'reconnecting'
  return (
    <div className="app">
      <Header />
      <main className={`grid ${stale ? 'is-stale' : ''}`} aria-busy={stale}>
        <NodeCard />
        <JoinCard />
        <PeersCard />
        <InviteCard />
        <TransportCard />
        <HardwareCard />
        <SharingCard />
        <NetworkAssetsCard />
        <LeasesCard />
        <FilesCard />
        <RewardsCard />
        <ChainCard />
        <WalletCard />
      </main>
    </div>
  )
}
