/** What a transfer would do, as the node worked it out, with "Confirm and send" (only when nothing stops it). */
import { formatCaesar, type WalletSendPreview, type WalletSendRequest } from '../../../../shared/api'
import { ErrorNotice } from '../Notice'
import { BusyButton } from './SubmitRow'

export function SendReview({
  request,
  preview,
  fromName,
  toName,
  busy,
  waiting,
  onConfirm,
  onEdit,
}: {
  request: WalletSendRequest
  preview: WalletSendPreview
  fromName: string
  /** The address book's name for the address sent to, if it has one. */
  toName: string | null
  busy: boolean
  /** Some wallet call is running: the buttons wait for it. */
  waiting: boolean
  onConfirm(): void
  onEdit(): void
}) {
  const blocked = preview.problems.length > 0
  return (
    <section className="send-review" aria-label="Review the transfer" data-testid="send-review">
      <dl className="facts">
        <dt>From</dt>
        <dd>{fromName}</dd>
        <dt>To</dt>
        <dd>
          {toName != null && <strong>{toName} </strong>}
          <code className="mono">{request.to}</code>
        </dd>
        <dt>Amount</dt>
        <dd className="num" data-testid="review-amount">
          {formatCaesar(request.amount)} CAESAR
        </dd>
        <dt>Fee</dt>
        <dd className="num" data-testid="review-fee">
          {formatCaesar(preview.fee)} CAESAR
        </dd>
        <dt>Balance now</dt>
        <dd className="num" data-testid="review-balance">
          {formatCaesar(preview.balance)} CAESAR
        </dd>
        <dt>Balance after</dt>
        <dd className="num" data-testid="review-balance-after">
          {preview.balanceAfter == null ? 'not enough' : `${formatCaesar(preview.balanceAfter)} CAESAR`}
        </dd>
      </dl>
      {blocked && (
        <ErrorNotice headline="It cannot be sent as it stands" role="status" testId="review-problems">
          <ul className="send-problems">
            {preview.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </ErrorNotice>
      )}
      <div className="form-row form-row-start">
        <BusyButton
          type="button"
          label="Confirm and send"
          busyLabel="Sending…"
          busy={busy}
          disabled={blocked || waiting}
          onClick={onConfirm}
        />
        <button type="button" className="button" disabled={busy} onClick={onEdit}>
          Edit
        </button>
      </div>
      {!blocked && (
        <p className="muted field-hint">
          Once sent, a transfer cannot be taken back. It is signed with this account’s key on this node.
        </p>
      )}
    </section>
  )
}
