/** Configured against measured, live, and what this machine enforces of the terms and what it cannot. */
import type { ResourceKind, ResourceSharingState } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectOwnAssets } from '../../store/selectors'
import { CopyButton } from '../CopyButton'
import { formatBytes } from '../../lib/format'

const cores = (value: number | null): string => (value == null ? '—' : `${value.toFixed(2)} cores`)

export function Enforcement({ resource, kind }: { resource: ResourceSharingState; kind: ResourceKind }) {
  const { configured, measured, enforced, notEnforced, activity } = resource
  const assets = useHyperMesh(selectOwnAssets).filter((a) => a.resource === kind)
  return (
    <div className="enforcement" data-testid="enforcement">
      {assets.map((asset) => (
        <p key={asset.assetId} className="proxy-address">
          Proxy address{assets.length > 1 ? ` ${asset.index + 1}` : ''}:{' '}
          <code className="mono" data-testid="proxy-address">
            {asset.proxyAddress}
          </code>{' '}
          <CopyButton text={asset.proxyAddress} what="proxy address" compact />
        </p>
      ))}
      {kind === 'gpu' && assets.length === 0 && (
        <p className="hint">This computer has no GPU that HyperMesh can see.</p>
      )}
      <p className={`activity ${activity.active ? 'is-active' : ''}`} data-testid="sharing-activity">
        {activity.active ? 'Sharing now' : `Not sharing now: ${activity.reason}`}
      </p>
      {(configured.cpuCores != null || configured.memoryBytes != null) && (
        <dl className="facts">
          {configured.cpuCores != null && (
            <>
              <dt>CPU for leased work</dt>
              <dd data-testid="configured-vs-measured">
                configured {cores(configured.cpuCores)} · measured {cores(measured.cpuCores)}
              </dd>
            </>
          )}
          {configured.memoryBytes != null && (
            <>
              <dt>Memory for leased work</dt>
              <dd>
                cap {formatBytes(configured.memoryBytes)} · in use {formatBytes(measured.memoryBytes)}
              </dd>
            </>
          )}
        </dl>
      )}
      <ul className="enforced-list">
        {enforced.map((line) => (
          <li key={line} className="is-enforced">
            ✓ {line}
          </li>
        ))}
        {notEnforced.map((line) => (
          <li key={line} className="is-not-enforced">
            ✗ {line}
          </li>
        ))}
      </ul>
    </div>
  )
}
