/** A wallet form's submit button: its progress while the call runs, and why it is disabled otherwise. */
import { useId } from 'react'

/** A button that shows its call's progress: a spinner, and what it says while the call runs. */
export function BusyButton({
  label,
  busyLabel,
  busy,
  disabled,
  kind = 'primary',
  type = 'submit',
  describedBy,
  testId,
  onClick,
}: {
  label: string
  /** What the button says while its call runs ("Unlocking…"). */
  busyLabel: string
  busy: boolean
  disabled: boolean
  kind?: 'primary' | 'danger' | 'plain'
  type?: 'submit' | 'button'
  describedBy?: string
  testId?: string
  onClick?(): void
}) {
  return (
    <button
      type={type}
      className={kind === 'plain' ? 'button' : `button button-${kind}`}
      disabled={disabled}
      aria-busy={busy}
      aria-describedby={describedBy}
      data-testid={testId}
      onClick={onClick}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy ? busyLabel : label}
    </button>
  )
}

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
      <BusyButton
        label={label}
        busyLabel={busyLabel}
        busy={busy}
        disabled={waiting || blocker != null}
        kind={danger === true ? 'danger' : 'primary'}
        describedBy={reason != null ? reasonId : undefined}
      />
      {reason != null && (
        <span id={reasonId} className="muted" data-testid="wallet-blocker">
          {reason}
        </span>
      )}
    </div>
  )
}
