import { useRef } from 'react'
import { formatDuration } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useHyperMesh } from '../store/context'
import { selectAreaError, selectCurrentNetwork, selectNode, selectNodeReceivedAt } from '../store/selectors'
import { Card, EmptyState } from './Card'
import { CopyButton } from './CopyButton'

const selectNodeError = selectAreaError('node')

/** Who this node is, which network it is on, where it listens. */
export function NodeCard() {
  const node = useHyperMesh(selectNode)
  const network = useHyperMesh(selectCurrentNetwork)
  const error = useHyperMesh(selectNodeError)
  const peerIdRef = useRef<HTMLElement>(null)
  const networkIdRef = useRef<HTMLElement>(null)

  const badge =
    network == null ? null : (
      <span
        className={`badge ${network.isOwnDevnet ? 'badge-own' : 'badge-joined'}`}
        data-testid="network-badge"
      >
        {network.isOwnDevnet ? 'Own devnet' : 'Joined network'}
      </span>
    )

  return (
    <Card title="This node" aside={badge} className="span-7" testId="node-card">
      {node == null ? (
        <EmptyState>{error ?? 'Connecting to your node…'}</EmptyState>
      ) : (
        <dl className="facts">
          <dt>Peer ID</dt>
          <dd className="id-row">
            <code className="mono id-full" data-testid="peer-id" ref={peerIdRef}>
              {node.peerId}
            </code>
            <CopyButton text={node.peerId} target={peerIdRef} what="peer id" compact />
          </dd>

          <dt>Network</dt>
          <dd className="network-name" data-testid="network-name">
            {network?.name}
          </dd>

          <dt>Network ID</dt>
          <dd className="id-row">
            <code
              className="mono id-truncate"
              data-testid="network-id"
              title={network?.networkId}
              ref={networkIdRef}
            >
              {network?.networkId}
            </code>
            <CopyButton text={network?.networkId} target={networkIdRef} what="network id" compact />
          </dd>

          <dt>Uptime</dt>
          <dd>
            <Uptime uptimeMs={node.uptimeMs} />
          </dd>

          <dt>FALCON key</dt>
          <dd>
            <code
              className="mono muted"
              title="First 16 bytes of SHA-256 over the node's FALCON-1024 public key"
            >
              {node.falconFingerprint}
            </code>
          </dd>

          <dt>Transport</dt>
          <dd data-testid="node-transport">
            <span className={`badge ${node.transport.postQuantum ? 'badge-pq' : 'badge-classical'}`}>
              {node.transport.postQuantum ? 'Post-quantum' : 'Classical'}
            </span>{' '}
            <span className="muted">{node.transport.name}</span>
          </dd>
          <dt>Mode</dt>
          <dd>
            {node.mode === 'desktop' ? 'Desktop' : 'Headless'} · v{node.version}
          </dd>

          <dt>Listening on</dt>
          <dd>
            <ul className="address-list" data-testid="listen-addresses">
              {node.listenAddresses.map((address) => (
                <li key={address} className="mono" data-testid="listen-address">
                  {address}
                </li>
              ))}
              {node.listenAddresses.length === 0 && (
                <li className="muted">Not listening on any address yet</li>
              )}
            </ul>
          </dd>
        </dl>
      )}
    </Card>
  )
}

/** The node's uptime, ticking between status reads. */
function Uptime({ uptimeMs }: { uptimeMs: number }) {
  const receivedAt = useHyperMesh(selectNodeReceivedAt)
  const now = useNow()
  const elapsed = receivedAt == null ? 0 : Math.max(0, now - receivedAt)
  return <span data-testid="uptime">{formatDuration(uptimeMs + elapsed)}</span>
}
