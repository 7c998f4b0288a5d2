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
          <IdRow id={node.peerId} what="peer id" testId="peer-id" />

          <dt>Network</dt>
          <dd className="network-name" data-testid="network-name">
            {network?.name}
          </dd>

          <dt>Network ID</dt>
          <IdRow id={network?.networkId} what="network id" testId="network-id" truncate />

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

/** An id in full (or cut short, with the full one as its title) and a button that copies it. */
function IdRow({
  id,
  what,
  testId,
  truncate,
}: {
  id?: string
  what: string
  testId: string
  truncate?: boolean
}) {
  // The clipboard may be unavailable: then the button selects the id on screen.
  const ref = useRef<HTMLElement>(null)
  return (
    <dd className="id-row">
      <code
        className={truncate === true ? 'mono id-truncate' : 'mono id-full'}
        data-testid={testId}
        title={truncate === true ? id : undefined}
        ref={ref}
      >
        {id}
      </code>
      <CopyButton text={id} target={ref} what={what} compact />
    </dd>
  )
}

/** The node's uptime, ticking between status reads. */
function Uptime({ uptimeMs }: { uptimeMs: number }) {
  const receivedAt = useHyperMesh(selectNodeReceivedAt)
  const now = useNow()
  const elapsed = receivedAt == null ? 0 : Math.max(0, now - receivedAt)
  return <span data-testid="uptime">{formatDuration(uptimeMs + elapsed)}</span>
}
