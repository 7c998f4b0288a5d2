/** A wallet form's submit button: its progress while the call runs, and why it is disabled otherwise. */
import { useId } from 'react'

export function SubmitRow({
  label,
  busyLabel,
  busy,
  waiting,
  blocker,
  danger,
}: {
  label: string
  /** What the button says while its call runs ("Unlocking…"). */
  busyLabel: string
  busy: boolean
  /** Some wallet call is running: the button waits for it. */
  waiting: boolean
  /** Why the form cannot be sent as it stands, or null. */
  blocker: string | null
  danger?: boolean
}) {
  const reasonId = useId()
  const reason = busy ? null : blocker
  return (
    <div className="form-row form-row-start">
      <button
        type="submit"
        className={`button ${danger === true ? 'button-danger' : 'button-primary'}`}
        disabled={waiting || blocker != null}
        aria-busy={busy}
        aria-describedby={reason != null ? reasonId : undefined}
      >
        {busy && <span className="spinner" aria-hidden="true" />}
        {busy ? busyLabel : label}
      </button>
      {reason != null && (
        <span id={reasonId} className="muted" data-testid="wallet-blocker">
          {reason}
        </span>
      )}
    </div>
  )
}
