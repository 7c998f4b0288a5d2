/** One job in full: its providers' runs, its result, what it cost, its ledger transactions, and Cancel. */
import { formatBytes, formatDuration, shortId } from '../../lib/format'
import { caesarText, formatCores } from '../../lib/jobs-format'
import { useAsyncAction } from '../../lib/use-async-action'
import { useHyperMesh } from '../../store/context'
import { isJobActive } from '../../store/jobs-slice'
import { selectActions } from '../../store/selectors'
import type { JobSummary } from '../../../../shared/api'
import { ErrorNotice } from '../Notice'
import { JobResult } from './JobResult'
import { ProviderRuns } from './ProviderRuns'

export function JobDetails({ id, job }: { id: string; job: JobSummary }) {
  const actions = useHyperMesh(selectActions)
  const cancel = useAsyncAction<JobSummary>()
  const { limits } = job
  return (
    <div id={id} className="job-details" data-testid="job-details">
      <ProviderRuns runs={job.providers} />
      {job.outputHash != null && <JobResult job={job} />}
      <dl className="facts">
        <dt>Limits</dt>
        <dd>
          {formatCores(limits.millicores)} · {formatBytes(limits.memoryBytes)} ·{' '}
          {formatDuration(limits.wallMs)} wall · {formatBytes(limits.outputBytes)} output
        </dd>
        <dt>Budget</dt>
        <dd>{caesarText(job.maxPayment)}</dd>
        <dt>Cost</dt>
        <dd data-testid="job-cost">{job.cost == null ? 'not settled yet' : caesarText(job.cost)}</dd>
        <dt>Refunded</dt>
        <dd>
          {job.refunded == null && job.cost != null
            ? 'the rest is held until the providers’ claim window closes (2 h after the job expires), then comes back'
            : caesarText(job.refunded)}
        </dd>
        <dt>Escrow transaction</dt>
        <dd>
          <TxId id={job.escrowTx} />
        </dd>
        <dt>Settle transaction</dt>
        <dd>
          <TxId id={job.settleTx} />
        </dd>
        <dt>Job id</dt>
        <dd>
          <code className="mono" title={job.jobId}>
            {shortId(job.jobId, 10, 6)}
          </code>
        </dd>
      </dl>
      {isJobActive(job) && (
        <button
          type="button"
          className="button button-danger"
          disabled={cancel.busy}
          onClick={() => void cancel.run(() => actions.cancelJob(job.jobId))}
        >
          Cancel job<span className="visually-hidden"> {job.name}</span>
        </button>
      )}
      {cancel.error != null && (
        <ErrorNotice headline="Not cancelled">{cancel.error} The job may have ended meanwhile.</ErrorNotice>
      )}
    </div>
  )
}

function TxId({ id }: { id: string | null }) {
  if (id == null) return <span className="muted">none yet</span>
  return (
    <code className="mono" title={id}>
      {shortId(id, 10, 6)}
    </code>
  )
}
