/** How far the job being sent has got: its code and input going up, its estimate, then signing and placing. */
import { formatBytes } from '../../lib/format'
import type { JobSending } from '../../store/jobs-types'

const PHASES = {
  uploading: 'Sending code and input',
  estimating: 'Estimating',
  submitting: 'Signing and placing',
}

export function JobSendingStatus({ sending, testId }: { sending: JobSending; testId: string }) {
  return (
    <p role="status" className="muted" data-testid={testId}>
      {PHASES[sending.phase]}: {sending.name} ({formatBytes(sending.done)} of {formatBytes(sending.total)})
    </p>
  )
}
