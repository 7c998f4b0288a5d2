/**
 * The submit form: what to run and on what terms; the estimate follows the form as it changes, and Submit
 * says why it is disabled while the job could not be placed as it stands.
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import { useHyperMesh } from '../../store/context'
import { selectActions, selectJobSending } from '../../store/selectors'
import { Card } from '../Card'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { EstimateSummary } from './EstimateSummary'
import { JobCodeFields } from './JobCodeFields'
import { JobSendingStatus } from './JobSendingStatus'
import { JobTermsFields } from './JobTermsFields'
import {
  draftOf,
  initialJobFields,
  submitBlocker,
  takesPastedCode,
  useJobEstimate,
  type JobFields,
} from './job-form'

const encoder = new TextEncoder()

export function SubmitJobCard() {
  const actions = useHyperMesh(selectActions)
  const sending = useHyperMesh(selectJobSending)
  const [fields, setFields] = useState<JobFields>(initialJobFields)
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null)
  // Whether the job being sent is this form's (an example may be sent from the card above).
  const [submitting, setSubmitting] = useState(false)
  const reasonId = useId()
  const change = (patch: Partial<JobFields>): void => setFields((f) => ({ ...f, ...patch }))

  // Bytes kept stable per content, so the store uploads each code and input once for many estimates.
  const pasted = takesPastedCode(fields.runtime) ? fields.codeText : ''
  const codeText = useMemo(() => encoder.encode(pasted), [pasted])
  const inputText = useMemo(() => encoder.encode(fields.inputText), [fields.inputText])
  const code = fields.codeFile?.bytes ?? codeText
  const input = fields.inputFile?.bytes ?? inputText
  const { draft, problem } = useMemo(() => draftOf(fields, code, input), [fields, code, input])
  const estimate = useJobEstimate(draft)
  const blocker = submitBlocker(problem, estimate, sending != null)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (draft == null || blocker != null) return
    setNotice(null)
    setSubmitting(true)
    const outcome = await actions.submitJob(draft)
    setSubmitting(false)
    setNotice(
      outcome.ok
        ? { ok: true, text: `Sent “${outcome.value.name}”: it is ${outcome.value.state}.` }
        : { ok: false, text: outcome.message },
    )
  }

  return (
    <Card title="Run a job" className="span-12" testId="submit-job">
      <form className="job-form" aria-label="Run a job" onSubmit={(event) => void submit(event)}>
        <JobCodeFields fields={fields} change={change} />
        <JobTermsFields fields={fields} change={change} />
        <EstimateSummary state={estimate} />
        <div className="form-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={blocker != null}
            aria-describedby={blocker != null ? reasonId : undefined}
          >
            Submit job
          </button>
          {blocker != null && (
            <span id={reasonId} className="muted" data-testid="submit-blocker">
              {blocker}
            </span>
          )}
        </div>
      </form>
      {sending != null && submitting && <JobSendingStatus sending={sending} testId="job-sending" />}
      {notice?.ok === true && <SuccessNotice testId="job-sent">{notice.text}</SuccessNotice>}
      {notice?.ok === false && (
        <ErrorNotice headline="The job was not sent" testId="job-error">
          {notice.text}
        </ErrorNotice>
      )}
    </Card>
  )
}
