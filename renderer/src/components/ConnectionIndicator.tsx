import { useHyperMesh } from '../store/context'
import { selectConnection } from '../store/selectors'
import type { ConnectionState } from '../store/types'

const labels: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  'auth-required': 'Access token required',
}

/** The link between this window and the node. */
export function ConnectionIndicator() {
  const connection = useHyperMesh(selectConnection)
  return (
    <div className={`connection connection-${connection}`} role="status">
      <span className="connection-dot" aria-hidden="true" />
      <span data-testid="connection-state">{labels[connection]}</span>
    </div>
  )
}
