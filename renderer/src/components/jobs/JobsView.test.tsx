import type { ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../../../shared/client'
import { StoreProvider } from '../../store/context'
import type { JobsArea } from '../../store/jobs-types'
import { alwaysVisible } from '../../store/polling'
import { createHyperMeshStore } from '../../store/store'
import { createFakeBridge } from '../../testing/fake-bridge'
import { sampleDoneJob, sampleExample, sampleJob, sampleProvided, sampleRun } from '../../testing/sample-jobs'
import { ViewSwitch } from '../ViewSwitch'
import { ExampleList, ExampleSending } from './ExamplesCard'
import { JobList } from './JobListCard'
import { ProvidedJobsTable } from './ProvidedJobsCard'
import { ResultPreview } from './JobResult'
import { SubmitJobCard } from './SubmitJobCard'

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

function withStore(children: ReactNode, jobs: Partial<JobsArea> = {}): string {
  const store = createHyperMeshStore(createApiClient(createFakeBridge()), { visibility: alwaysVisible })
  store.setState({ jobs: { ...store.getState().jobs, ...jobs } })
  return renderToStaticMarkup(<StoreProvider store={store}>{children}</StoreProvider>)
}

describe('the view switch', () => {
  it('marks the current view for assistive technology and links to #/jobs', () => {
    const html = renderToStaticMarkup(<ViewSwitch current="jobs" />)
    expect(html).toContain('aria-label="Views"')
    expect(html).toMatch(/href="#\/jobs"[^>]*aria-current="page"[^>]*>Jobs</)
    expect(html).not.toMatch(/href="#\/"[^>]*aria-current/)
  })
})

describe('the jobs view', () => {
  it('offers each example with a button named after it', () => {
    const html = renderToStaticMarkup(
      <ExampleList examples={[sampleExample]} busy={false} onRun={() => {}} />,
    )
    expect(html).toContain('aria-label="Try Prime sieve (WebAssembly)"')
    expect(text(html)).toContain('WebAssembly (WASI)')
  })

  it('says why the examples are disabled while a job is being sent, and how far it got', () => {
    const html = renderToStaticMarkup(<ExampleList examples={[sampleExample]} busy onRun={() => {}} />)
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*aria-label="Try Prime sieve \(WebAssembly\)"/)
    const sending = { name: 'Prime sieve', phase: 'estimating' as const, done: 2048, total: 2048 }
    expect(text(renderToStaticMarkup(<ExampleSending sending={sending} trying />))).toBe(
      ' Estimating: Prime sieve (2.0 KiB of 2.0 KiB) ',
    )
    expect(text(renderToStaticMarkup(<ExampleSending sending={sending} trying={false} />))).toBe(
      ' A job is being sent from the form below; the examples can be tried once it is placed. ',
    )
  })

  it('shows a running job as “running on N”, with its providers and a Cancel button', () => {
    const job = sampleJob({
      providers: [sampleRun(), sampleRun({ state: 'refused', reason: 'price below its minimum' })],
    })
    const html = withStore(<JobList jobs={[job]} loaded />)
    expect(text(html)).toMatch(/running on 1/)
    expect(text(html)).toMatch(/refused : price below its minimum/)
    expect(text(html)).toContain('Cancel job')
    expect(html).toContain('aria-expanded="true"')
  })

  it('shows a done job’s cost, refund and settle transaction, and no Cancel', () => {
    const html = text(withStore(<JobList jobs={[sampleDoneJob()]} loaded />))
    expect(html).toMatch(/ done /)
    expect(html).toMatch(/Cost 0\.000046 CAESAR/)
    expect(html).toMatch(/Refunded 0\.008288 CAESAR/)
    expect(html).toMatch(/verified by 2 providers/)
    expect(html).toContain('sieved 10000 numbers')
    expect(html).not.toContain('Cancel job')
  })

  it('says when there are no jobs yet, and while the list is being read', () => {
    expect(text(withStore(<JobList jobs={[]} loaded />))).toMatch(/No jobs yet/)
    expect(text(withStore(<JobList jobs={[]} loaded={false} />))).toMatch(/Reading your jobs/)
  })

  it('previews text output, and says binary output must be downloaded', () => {
    const preview = { text: '1229\n', totalBytes: 5, partial: false, truncated: false }
    expect(renderToStaticMarkup(<ResultPreview preview={preview} />)).toContain('1229')
    expect(text(renderToStaticMarkup(<ResultPreview preview={{ ...preview, text: null }} />))).toMatch(
      /binary; download it/,
    )
  })

  it('lists the jobs run for others with what each earned', () => {
    const html = text(renderToStaticMarkup(<ProvidedJobsTable provided={[sampleProvided]} loaded />))
    expect(html).toMatch(/JavaScript \(QuickJS\) ok 1\.25 s 2 CAESAR 0\.000695 CAESAR paid/)
    expect(text(renderToStaticMarkup(<ProvidedJobsTable provided={[]} loaded />))).toMatch(/Share your CPU/)
  })

  it('keeps Submit disabled, saying why, until there is code', () => {
    const html = withStore(<SubmitJobCard />)
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""/)
    expect(text(html)).toContain('Paste the code or pick a file.')
    expect(html).toContain('JavaScript (QuickJS)')
  })
})
