/**
 * The explicit yes that putting another wallet in place of this node's one needs, and the submit button of
 * the forms that can do it (restore, import a backup).
 */
import { SuccessNotice } from '../Notice'
import { SubmitRow } from './SubmitRow'

/** Why a form that replaces the node's wallet cannot be sent yet: the yes is missing; else null. */
export const replaceBlocker = (replacing: boolean, confirmed: boolean): string | null =>
  replacing && !confirmed ? 'Confirm that this wallet replaces the one kept now.' : null

export function ReplaceConfirm({
  checked,
  onChange,
}: {
  checked: boolean
  onChange(checked: boolean): void
}) {
  return (
    <label className="check wallet-replace">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        Replace the wallet this node keeps now. I have its recovery words written down: without them, its
        funds are lost.
      </span>
    </label>
  )
}

/**
 * Where a wallet is kept already, the yes and a submit button that says "… in its place"; the button
 * alone otherwise. Once a wallet was replaced, `replacedNote` says what happened (the form stays).
 */
export function ReplaceSubmit({
  replacing,
  confirmed,
  onConfirm,
  label,
  replaceLabel,
  busyLabel,
  busy,
  waiting,
  blocker,
  replaced,
  replacedNote,
}: {
  /** A wallet is kept now: this form would replace it. */
  replacing: boolean
  confirmed: boolean
  onConfirm(confirmed: boolean): void
  label: string
  /** What the button says where the wallet would be replaced ("Restore in its place"). */
  replaceLabel: string
  busyLabel: string
  busy: boolean
  waiting: boolean
  blocker: string | null
  replaced: boolean
  replacedNote: string
}) {
  return (
    <>
      {replacing && <ReplaceConfirm checked={confirmed} onChange={onConfirm} />}
      <SubmitRow
        label={replacing ? replaceLabel : label}
        busyLabel={busyLabel}
        busy={busy}
        waiting={waiting}
        blocker={blocker}
        danger={replacing}
      />
      {replaced && <SuccessNotice testId="wallet-replaced">{replacedNote}</SuccessNotice>}
    </>
  )
}
