/**
 * Send from the wallet, in two steps: the form, checked as it is sent for review; then what the node says
 * the transfer would do (fee, balance before and after, anything that stops it) and "Confirm and send".
 * Nothing is signed before the person confirms what they were shown.
 */
import { formatCaesar, type Contact, type WalletAccount } from '../../../../shared/api'
import { Card } from '../Card'
import { ErrorNotice, SuccessNotice } from '../Notice'
import { contactNameOf } from './send-form'
import { SendFields } from './SendFields'
import { SendReview } from './SendReview'
import { SubmitRow } from './SubmitRow'
import { useSendFlow, type SendDone } from './use-send-flow'

export function SendCard({
  accounts,
  ledger,
  contacts,
  to,
  onToChange,
}: {
  accounts: readonly WalletAccount[]
  ledger: boolean
  contacts: readonly Contact[] | null
  /** The address to send to: kept by the view, so that the address book can fill it in. */
  to: string
  onToChange(to: string): void
}) {
  const flow = useSendFlow(accounts, to, onToChange)
  const { values, review, preview, send } = flow
  return (
    <Card title="Send" className="span-7" testId="wallet-send">
      <form
        className="wallet-form"
        aria-label="Send from the wallet"
        onSubmit={(e) => void flow.submitReview(e)}
      >
        <SendFields
          accounts={accounts}
          ledger={ledger}
          contacts={contacts}
          values={values}
          problems={flow.problems}
          locked={review != null}
          onEdit={flow.edit}
        />
        {review == null && (
          <SubmitRow
            label="Review"
            busyLabel="Reviewing…"
            busy={preview.busy}
            waiting={preview.waiting}
            blocker={null}
          />
        )}
      </form>
      {preview.error != null && (
        <ErrorNotice headline="Could not review it" testId="send-error">
          {preview.error}
        </ErrorNotice>
      )}
      {review != null && (
        <SendReview
          {...review}
          toName={contactNameOf(contacts, review.request.to)}
          fromName={accountName(accounts, review.request.from)}
          busy={send.busy}
          waiting={send.waiting}
          onConfirm={() => void flow.confirm()}
          onEdit={flow.backToEdit}
        />
      )}
      {send.error != null && (
        <ErrorNotice headline="Not sent" testId="send-error">
          {send.error}
        </ErrorNotice>
      )}
      {flow.sent != null && (
        <SentNotice {...flow.sent} toName={contactNameOf(contacts, flow.sent.request.to)} />
      )}
    </Card>
  )
}

function SentNotice({ request, receipt, toName }: SendDone & { toName: string | null }) {
  return (
    <SuccessNotice testId="wallet-sent">
      Sent {formatCaesar(request.amount)} CAESAR to {toName ?? <code className="mono">{request.to}</code>}.
      Transaction{' '}
      <code className="mono" data-testid="wallet-sent-tx">
        {receipt.txId}
      </code>{' '}
      is pending until a block commits it; the account then holds {formatCaesar(receipt.balanceAfter)} CAESAR.
    </SuccessNotice>
  )
}

const accountName = (accounts: readonly WalletAccount[], address: string): string => {
  const account = accounts.find((a) => a.address === address)
  return account == null ? address : `Account ${account.index + 1}`
}
