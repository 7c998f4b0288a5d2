/** The explicit yes that putting another wallet in place of this node's one needs. */
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
