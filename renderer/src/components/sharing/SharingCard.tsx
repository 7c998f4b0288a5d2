/** Sharing: one tab per resource with its terms, and how this machine enforces them. */
import { useState } from 'react'
import { RESOURCE_KINDS, type ResourceKind, type SharingState } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectAreaError, selectSharingState } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { ResourceTerms } from './ResourceTerms'

const TAB_NAMES: Record<ResourceKind, string> = {
  cpu: 'CPU',
  gpu: 'GPU',
  memory: 'Memory',
  storage: 'Storage',
}

export function SharingCard() {
  const state = useHyperMesh(selectSharingState)
  const error = useHyperMesh(selectAreaError('sharing'))
  const [kind, setKind] = useState<ResourceKind>('cpu')
  return (
    <Card
      title="Sharing"
      className="span-12"
      testId="sharing-card"
      aside={state != null && <LimiterBadge state={state} />}
    >
      {state == null ? (
        <EmptyState>{error ?? 'Reading the sharing terms…'}</EmptyState>
      ) : (
        <>
          <div className="tabs" role="tablist">
            {RESOURCE_KINDS.map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={k === kind}
                className={`tab ${k === kind ? 'is-selected' : ''}`}
                onClick={() => setKind(k)}
                data-testid={`sharing-tab-${k}`}
              >
                {TAB_NAMES[k]}
                {state.resources[k].activity.active && <span className="badge badge-pq">on</span>}
              </button>
            ))}
          </div>
          <ResourceTerms key={kind} kind={kind} resource={state.resources[kind]} />
        </>
      )}
    </Card>
  )
}

function LimiterBadge({ state }: { state: SharingState }) {
  const { kind, strength, passedOver } = state.limiter
  const title = passedOver.map((p) => `${p.kind}: ${p.reason}`).join('\n')
  if (kind == null)
    return (
      <span className="badge badge-classical" title={title} data-testid="limiter">
        no limits possible here: no leased work runs
      </span>
    )
  return (
    <span
      className={`badge ${strength === 'kernel' ? 'badge-pq' : 'badge-classical'}`}
      title={title}
      data-testid="limiter"
    >
      limits enforced {strength === 'kernel' ? 'by the kernel' : 'by the node'} ({kind})
    </span>
  )
}
