/** This node's jobs, newest first, each with its live state; the newest opens its details by default. */
import { useState } from 'react'
import { JOB_RUNTIME_INFO, type JobSummary } from '../../../../shared/api'
import { caesarText, jobStateLabel } from '../../lib/jobs-format'
import { useHyperMesh } from '../../store/context'
import { selectJobs, selectJobsError, selectJobsLoaded } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { ErrorNotice } from '../Notice'
import { JobDetails } from './JobDetails'

export function JobListCard() {
  const jobs = useHyperMesh(selectJobs)
  const loaded = useHyperMesh(selectJobsLoaded)
  const error = useHyperMesh(selectJobsError)
  return (
    <Card
      title="Your jobs"
      className="span-12"
      testId="job-list-card"
      aside={<span className="muted">{jobs.length}</span>}
    >
      {error != null && (
        <ErrorNotice headline="Could not read the jobs" role="status">
          {error}. The list is read again every few seconds; if this stays, restart the node.
        </ErrorNotice>
      )}
      <JobList jobs={jobs} loaded={loaded} />
    </Card>
  )
}

export function JobList({ jobs, loaded }: { jobs: readonly JobSummary[]; loaded: boolean }) {
  const [toggled, setToggled] = useState<Record<string, boolean>>({})
  if (!loaded && jobs.length === 0) return <EmptyState>Reading your jobs…</EmptyState>
  if (jobs.length === 0)
    return <EmptyState testId="jobs-empty">No jobs yet: try an example above, or run your own.</EmptyState>
  return (
    <ul className="job-list" aria-label="Your jobs">
      {jobs.map((job, i) => {
        const open = toggled[job.jobId] ?? i === 0
        const detailsId = `job-details-${job.jobId}`
        return (
          <li key={job.jobId} className="job" data-testid="job">
            <div className="job-line">
              <strong>{job.name}</strong>
              <span className="muted">{JOB_RUNTIME_INFO[job.runtime].label}</span>
              <JobStateBadge job={job} />
              {job.cost != null && (
                <span>
                  <span className="muted">cost</span> <span className="num">{caesarText(job.cost)}</span>
                </span>
              )}
              <button
                type="button"
                className="button"
                aria-expanded={open}
                aria-controls={detailsId}
                onClick={() => setToggled((t) => ({ ...t, [job.jobId]: !open }))}
              >
                {open ? 'Hide details' : 'Details'}
                <span className="visually-hidden"> of {job.name}</span>
              </button>
            </div>
            {job.reason != null && <p className="muted job-reason">{job.reason}</p>}
            {open && <JobDetails id={detailsId} job={job} />}
          </li>
        )
      })}
    </ul>
  )
}

export function JobStateBadge({ job }: { job: JobSummary }) {
  return (
    <span className={`badge job-state job-state-${job.state}`} data-testid="job-state">
      {jobStateLabel(job)}
    </span>
  )
}
