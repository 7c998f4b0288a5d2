/** The Jobs view: examples to try, a form to send a job, this node's jobs, and the jobs it ran for others. */
import { useEffect } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectConnection } from '../../store/selectors'
import { Header } from '../Header'
import { ExamplesCard } from './ExamplesCard'
import { JobListCard } from './JobListCard'
import { ProvidedJobsCard } from './ProvidedJobsCard'
import { SubmitJobCard } from './SubmitJobCard'

export function JobsView() {
  const actions = useHyperMesh(selectActions)
  const stale = useHyperMesh(selectConnection) === 'reconnecting'
  useEffect(() => {
    void actions.loadJobExamples()
    return actions.watchJobs()
  }, [actions])
  return (
    <div className="app">
      <Header />
      <main className={`grid jobs-view ${stale ? 'is-stale' : ''}`} aria-busy={stale}>
        <ExamplesCard />
        <SubmitJobCard />
        <JobListCard />
        <ProvidedJobsCard />
      </main>
    </div>
  )
}
