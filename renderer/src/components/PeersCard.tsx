import { formatDuration, formatLatency, shortId } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useHyperMesh } from '../store/context'
import { selectAreaError, selectPeers, selectPeersLoaded } from '../store/selectors'
import { Card } from './Card'
import { DataTable, type Column } from './DataTable'

const selectPeersError = selectAreaError('peers')
const COLUMNS: Column[] = [
  { label: 'Peer' },
  { label: 'Direction' },
  { label: 'Security' },
  { label: 'Latency', num: true },
  { label: 'Connected for', num: true },
  { label: 'Addresses', num: true },
]

/** Peers of this node's network that are connected now. */
export function PeersCard() {
  const peers = useHyperMesh(selectPeers)
  const loaded = useHyperMesh(selectPeersLoaded)
  const error = useHyperMesh(selectPeersError)
  const now = useNow()

  const count = <span className="count">{peers.length}</span>
  const emptyText = !loaded ? (error ?? 'Looking for peers…') : 'No peers yet — share your invite or join one'

  return (
    <Card title="Connected peers" aside={count} className="span-7" testId="peers-card">
      <DataTable testId="peer-list" columns={COLUMNS} empty={peers.length === 0 ? emptyText : null}>
        {peers.map((peer) => (
          <tr key={peer.peerId} data-testid="peer-row" data-peer-id={peer.peerId}>
            <td>
              <code className="mono" title={peer.peerId}>
                {shortId(peer.peerId)}
              </code>
            </td>
            <td>
              <span className={`direction direction-${peer.direction}`}>
                {peer.direction === 'inbound' ? '↓ inbound' : '↑ outbound'}
              </span>
            </td>
            <td data-testid="peer-security" title={peer.encryption}>
              <span className={`badge ${peer.postQuantum ? 'badge-pq' : 'badge-classical'}`}>
                {peer.postQuantum ? 'Post-quantum' : 'Classical'}
              </span>
            </td>
            <td className="num" data-testid="peer-latency">
              {formatLatency(peer.latencyMs)}
            </td>
            <td className="num">{formatDuration(now - peer.connectedAt)}</td>
            <td className="num" title={peer.addresses.join('\n')}>
              {peer.addresses.length}
            </td>
          </tr>
        ))}
      </DataTable>
    </Card>
  )
}
