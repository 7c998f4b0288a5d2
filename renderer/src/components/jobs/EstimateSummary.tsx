/** What the job in the form would cost, and whether providers could take it now. */
import { caesarText } from '../../lib/jobs-format'
import type { EstimateState } from './job-form'

export function EstimateSummary({ state }: { state: EstimateState }) {
  if (state.kind === 'none') return null
  if (state.kind === 'pending')
    return (
      <p className="muted" role="status" data-testid="job-estimate">
        Estimating…
      </p>
    )
  if (state.kind === 'failed')
    return (
      <p className="notice notice-error" role="status" data-testid="job-estimate">
        No estimate: {state.message}
      </p>
    )
  const { estimate } = state
  return (
    <div role="status" data-testid="job-estimate">
      <dl className="facts">
        <dt>Providers available</dt>
        <dd>{estimate.providersAvailable}</dd>
        <dt>Cheapest price</dt>
        <dd>
          {estimate.cheapestPricePerCoreHour == null
            ? 'each provider says its own when asked'
            : `${caesarText(estimate.cheapestPricePerCoreHour)} per core-hour`}
        </dd>
        <dt>Expected cost</dt>
        <dd>{caesarText(estimate.expectedCost)}</dd>
        <dt>Worst case</dt>
        <dd>{caesarText(estimate.worstCaseCost)}</dd>
      </dl>
      <p className="muted field-hint job-estimate-note">
        Both assume every run takes its whole CPU share for its whole wall time. A job pays only the CPU time
        it uses, at each provider’s price; the rest of its budget comes back.
      </p>
      {estimate.problems.length > 0 && (
        <ul className="job-problems" aria-label="Problems">
          {estimate.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  )
}
