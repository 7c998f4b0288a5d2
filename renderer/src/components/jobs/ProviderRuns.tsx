/** Each provider's part in a job: who, as what, how far it got, and what it was paid; its log tail below. */
import type { ProviderRun } from '../../../../shared/api'
import { shortId } from '../../lib/format'
import { caesarText, formatCpuTime } from '../../lib/jobs-format'
import { DataTable, type Column } from '../DataTable'

const COLUMNS: Column[] = [
  { label: 'Provider' },
  { label: 'Role' },
  { label: 'State' },
  { label: 'Price per core-hour', num: true },
  { label: 'Status' },
  { label: 'CPU time', num: true },
  { label: 'Paid', num: true },
  { label: 'Log' },
]

export function ProviderRuns({ runs }: { runs: readonly ProviderRun[] }) {
  return (
    <DataTable
      testId="provider-runs"
      className="provider-runs"
      columns={COLUMNS}
      empty={runs.length === 0 ? 'Looking for providers…' : undefined}
    >
      {runs.map((run, i) => (
        <tr key={`${run.peerId}-${i}`} data-testid="provider-run">
          <td>
            <code className="mono" title={run.peerId}>
              {shortId(run.peerId, 6, 6)}
            </code>
          </td>
          <td>{run.role === 'tie-breaker' ? 'tie-breaker' : 'replica'}</td>
          <td>
            {run.state}
            {run.reason != null && <span className="muted">: {run.reason}</span>}
          </td>
          <td className="num">{caesarText(run.pricePerCoreHour)}</td>
          <td>{run.status ?? '—'}</td>
          <td className="num">{formatCpuTime(run.cpuMillis)}</td>
          <td className="num">{caesarText(run.paid)}</td>
          <td>
            {run.log === '' ? (
              <span className="muted">—</span>
            ) : (
              <pre className="job-log" aria-label={`Log of ${shortId(run.peerId, 6, 6)}`}>
                {run.log}
              </pre>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  )
}
