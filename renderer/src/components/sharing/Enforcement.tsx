/** Configured against measured, live, and what this machine enforces of the terms and what it cannot. */
import type { ResourceSharingState } from '../../../../shared/api'
import { formatBytes } from '../../lib/format'

const cores = (value: number | null): string => (value == null ? '—' : `${value.toFixed(2)} cores`)

export function Enforcement({ resource }: { resource: ResourceSharingState }) {
  const { configured, measured, enforced, notEnforced, activity } = resource
  return (
    <div className="enforcement" data-testid="enforcement">
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
