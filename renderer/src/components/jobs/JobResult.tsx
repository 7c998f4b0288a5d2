/** An accepted job's output: its size and hash, whether providers agreed on it, a preview, and Download. */
import { useEffect, useState } from 'react'
import type { JobSummary } from '../../../../shared/api'
import { formatBytes, shortId } from '../../lib/format'
import { useAsyncAction } from '../../lib/use-async-action'
import { useHyperMesh } from '../../store/context'
import type { JobResultPreview } from '../../store/jobs-types'
import { selectActions, selectJobExamples } from '../../store/selectors'
import { JOB_PREVIEW_BYTES } from '../../store/jobs-slice'
import { ErrorNotice } from '../Notice'

export function JobResult({ job }: { job: JobSummary }) {
  const actions = useHyperMesh(selectActions)
  const examples = useHyperMesh(selectJobExamples)
  const [preview, setPreview] = useState<JobResultPreview | string | null>(null)
  const download = useAsyncAction<null>()
  const { jobId, outputHash } = job

  useEffect(() => {
    let current = true
    void actions.previewJobResult(jobId).then((outcome) => {
      if (current) setPreview(outcome.ok ? outcome.value : outcome.message)
    })
    return () => {
      current = false
    }
  }, [actions, jobId, outputHash])

  const save = () =>
    download.run(async () => {
      const outcome = await actions.readJobResult(jobId)
      if (!outcome.ok) return outcome
      const url = URL.createObjectURL(outcome.value.blob)
      const link = document.createElement('a')
      link.href = url
      link.download = `${job.name.replace(/[^\w.-]+/g, '_')}.out`
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      return { ok: true, value: null }
    })

  const example = examples?.find((e) => e.title === job.name)
  return (
    <section className="job-result" aria-label={`Result of ${job.name}`} data-testid="job-result">
      <p>
        Output: {formatBytes(job.outputBytes)}, SHA-256{' '}
        <code className="mono" title={outputHash ?? undefined}>
          {shortId(outputHash ?? '', 8, 6)}
        </code>{' '}
        {job.verified ? (
          <span className="badge badge-joined">verified by {job.redundancy} providers</span>
        ) : (
          <span className="badge badge-classical">unverified</span>
        )}
        {example != null && example.expectedOutputHash === outputHash && (
          <>
            {' '}
            <span className="badge badge-pq">the example’s expected output</span>
          </>
        )}
      </p>
      <ResultPreview preview={preview} />
      <button type="button" className="button" disabled={download.busy} onClick={() => void save()}>
        Download result<span className="visually-hidden"> of {job.name}</span>
      </button>
      {download.error != null && (
        <ErrorNotice headline="Could not download">{download.error} Try again in a moment.</ErrorNotice>
      )}
    </section>
  )
}

export function ResultPreview({ preview }: { preview: JobResultPreview | string | null }) {
  if (preview == null) return <p className="muted">Reading the result…</p>
  if (typeof preview === 'string') return <p className="muted">No preview: {preview}</p>
  if (preview.text == null) return <p className="muted">The output is binary; download it to see it.</p>
  return (
    <>
      <pre className="job-output" aria-label="Output preview" data-testid="job-output">
        {preview.text}
      </pre>
      {(preview.partial || preview.truncated) && (
        <p className="muted">
          {preview.partial && `The first ${formatBytes(JOB_PREVIEW_BYTES)} are shown. `}
          {preview.truncated && 'The output was cut at the job’s output limit.'}
        </p>
      )}
    </>
  )
}
