/** Jobs this node ran for other peers, and what each earned. */
import { JOB_RUNTIME_INFO, type ProvidedJob } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { caesarText, formatCpuTime } from '../../lib/jobs-format'
import { useHyperMesh } from '../../store/context'
import { selectJobsLoaded, selectProvidedJobs } from '../../store/selectors'
import { Card } from '../Card'
import { DataTable, type Column } from '../DataTable'

const COLUMNS: Column[] = [
  { label: 'Job' },
  { label: 'Submitter' },
  { label: 'Runtime' },
  { label: 'Status' },
  { label: 'CPU time', num: true },
  { label: 'Price per core-hour', num: true },
  { label: 'Earned', num: true },
  { label: 'Outcome' },
]

const OUTCOMES: Record<ProvidedJob['outcome'], string> = {
  running: 'running',
  returned: 'returned, not settled yet',
  paid: 'paid',
  outvoted: 'outvoted: not paid',
  unpaid: 'settled without payment',
}

export function ProvidedJobsCard() {
  const provided = useHyperMesh(selectProvidedJobs)
  const loaded = useHyperMesh(selectJobsLoaded)
  return (
    <Card title="Jobs I ran for others" className="span-12" testId="provided-jobs">
      <ProvidedJobsTable provided={provided} loaded={loaded} />
    </Card>
  )
}

export function ProvidedJobsTable({
  provided,
  loaded,
}: {
  provided: readonly ProvidedJob[]
  loaded: boolean
}) {
  const empty = !loaded
    ? 'Reading…'
    : provided.length === 0
      ? 'None yet. Share your CPU on the dashboard to run jobs for peers and earn CAESAR.'
      : undefined
  return (
    <DataTable testId="provided-job-list" columns={COLUMNS} empty={empty}>
      {provided.map((job) => (
        <tr key={job.jobId} data-testid="provided-job">
          <td>
            <code className="mono" title={job.jobId}>
              {shortId(job.jobId, 8, 4)}
            </code>
          </td>
          <td>
            <code className="mono" title={job.submitterPeer}>
              {shortId(job.submitterPeer, 6, 6)}
            </code>
          </td>
          <td>{JOB_RUNTIME_INFO[job.runtime].label}</td>
          <td>{job.status ?? '—'}</td>
          <td className="num">{formatCpuTime(job.cpuMillis)}</td>
          <td className="num">{caesarText(job.pricePerCoreHour)}</td>
          <td className="num">{caesarText(job.earned)}</td>
          <td>{OUTCOMES[job.outcome]}</td>
        </tr>
      ))}
    </DataTable>
  )
}
