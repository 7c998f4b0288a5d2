import { formatDuration, formatLatency, shortId } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useHyperMesh } from '../store/context'
import { selectAreaError, selectPeers, selectPeersLoaded } from '../store/selectors'
import { Card } from './Card'

const selectPeersError = selectAreaError('peers')

/** Peers of this node's network that are connected now. */
export function PeersCard() {
  const peers = useHyperMesh(selectPeers)
  const loaded = useHyperMesh(selectPeersLoaded)
  const error = useHyperMesh(selectPeersError)
  const now = useNow()

  const count = <span className="count">{peers.length}</span>

  return (
    <Card title="Connected peers" aside={count} className="span-7" testId="peers-card">
      <div className="table-wrap">
        <table className="peers" data-testid="peer-list">
          <thead>
            <tr>
              <th scope="col">Peer</th>
              <th scope="col">Direction</th>
              <th scope="col">Security</th>
              <th scope="col" className="num">
                Latency
              </th>
              <th scope="col" className="num">
                Connected for
              </th>
              <th scope="col" className="num">
                Addresses
              </th>
            </tr>
          </thead>
          <tbody>
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
            {peers.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {!loaded ? (error ?? 'Looking for peers…') : 'No peers yet — share your invite or join one'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Card>
  )
}
