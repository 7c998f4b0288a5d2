import { useHyperMesh } from '../store/context'
import { selectCurrentNetwork, selectNode, selectPeerCount } from '../store/selectors'
import { ConnectionIndicator } from './ConnectionIndicator'
import { Logo } from './Logo'
import { CurrentViewSwitch } from './ViewSwitch'

export function Header() {
  const node = useHyperMesh(selectNode)
  const network = useHyperMesh(selectCurrentNetwork)
  const peerCount = useHyperMesh(selectPeerCount)

  return (
    <header className="app-header">
      <div className="brand">
        <Logo />
        <h1>HyperMesh</h1>
        {node != null && <span className="version">v{node.version}</span>}
      </div>
      <CurrentViewSwitch />
      <div className="header-status">
        {network != null && (
          <span className="header-network" title={network.networkId}>
            {network.isOwnDevnet ? 'Own devnet' : 'Network'} · <strong>{network.name}</strong>
          </span>
        )}
        {node != null && (
          <span className="header-peers">
            {peerCount} {peerCount === 1 ? 'peer' : 'peers'}
          </span>
        )}
        <ConnectionIndicator />
      </div>
    </header>
  )
}
