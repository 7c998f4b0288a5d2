/** Ready jobs a new user can run in one click: two providers that must agree, the worst case held. */
import { useState } from 'react'
import { JOB_RUNTIME_INFO, type JobExample } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import type { JobSending } from '../../store/jobs-types'
import { selectActions, selectJobExamples, selectJobSending } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { JobSendingStatus } from './JobSendingStatus'

export function ExamplesCard() {
  const examples = useHyperMesh(selectJobExamples)
  const sending = useHyperMesh(selectJobSending)
  const actions = useHyperMesh(selectActions)
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null)
  // Whether the job being sent is one of these examples (a job may be sent from the form below).
  const [trying, setTrying] = useState(false)

  const run = async (example: JobExample): Promise<void> => {
    setNotice(null)
    setTrying(true)
    const outcome = await actions.runJobExample(example)
    setTrying(false)
    setNotice(
      outcome.ok
        ? { ok: true, text: `Sent “${example.title}”: follow it in Your jobs below.` }
        : { ok: false, text: outcome.message },
    )
  }

  return (
    <Card title="Try an example" className="span-12" testId="job-examples">
      {examples == null ? (
        <EmptyState>Reading the examples…</EmptyState>
      ) : examples.length === 0 ? (
        <EmptyState>This node offers no examples.</EmptyState>
      ) : (
        <ExampleList examples={examples} busy={sending != null} onRun={(e) => void run(e)} />
      )}
      {sending != null && <ExampleSending sending={sending} trying={trying} />}
      {notice?.ok === true && <SuccessNotice testId="example-sent">{notice.text}</SuccessNotice>}
      {notice?.ok === false && (
        <ErrorNotice headline="The example was not sent" testId="example-error">
          {notice.text}
        </ErrorNotice>
      )}
    </Card>
  )
}

/** Why the examples' buttons are disabled while a job is being sent: how far it got, or that it is the form's. */
export function ExampleSending({ sending, trying }: { sending: JobSending; trying: boolean }) {
  if (trying) return <JobSendingStatus sending={sending} testId="example-sending" />
  return (
    <p role="status" className="muted" data-testid="example-sending">
      A job is being sent from the form below; the examples can be tried once it is placed.
    </p>
  )
}

export function ExampleList({
  examples,
  busy,
  onRun,
}: {
  examples: readonly JobExample[]
  busy: boolean
  onRun(example: JobExample): void
}) {
  return (
    <ul className="job-examples">
      {examples.map((example) => (
        <li key={example.id} className="job-example" data-testid={`example-${example.id}`}>
          <h3>{example.title}</h3>
          <p className="muted">{JOB_RUNTIME_INFO[example.runtime].label}</p>
          <p>{example.description}</p>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            aria-label={`Try ${example.title}`}
            onClick={() => onRun(example)}
          >
            Try it
          </button>
        </li>
      ))}
    </ul>
  )
}
