/** Assets registered on this network's ledger: what other peers offer, and where to reach it. */
import { formatBytes, shortId } from '../../lib/format'
import { useHyperMesh } from '../../store/context'
import { selectDiscovered } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { CopyButton } from '../CopyButton'
import type { DiscoveredAsset } from '../../../../shared/api'

const capacityText = (a: DiscoveredAsset): string =>
  a.resource === 'memory' || a.resource === 'storage'
    ? formatBytes(Number(a.capacity))
    : `${(Number(a.capacity) / 1000).toFixed(2)} ${a.resource === 'cpu' ? 'cores' : 'GPU'}`

export function NetworkAssetsCard() {
  const assets = useHyperMesh(selectDiscovered)
  return (
    <Card title="Assets on this network" className="span-12" testId="network-assets">
      {assets.length === 0 ? (
        <EmptyState>No asset is registered on this network’s ledger yet.</EmptyState>
      ) : (
        <ul className="network-assets">
          {assets.map((a) => (
            <li key={a.assetId} data-testid="network-asset">
              <strong>{a.resource.toUpperCase()}</strong> {capacityText(a)} · {a.privacy} · peer{' '}
              <code className="mono" title={a.peerId}>
                {shortId(a.peerId)}
              </code>
              {a.isOwn && <span className="badge badge-own">yours</span>}
              {a.proxyAddress != null && (
                <>
                  {' '}
                  · <code className="mono">{a.proxyAddress}</code>{' '}
                  <CopyButton text={a.proxyAddress} what="proxy address" compact />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}
