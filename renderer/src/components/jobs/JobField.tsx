/** A labelled text or number input of the job form, with an optional hint tied to it. */
import { useId } from 'react'

export function JobField({
  label,
  unit,
  value,
  onChange,
  hint,
  type = 'text',
  step,
  placeholder,
}: {
  label: string
  unit?: string
  value: string
  onChange(value: string): void
  hint?: string
  type?: 'text' | 'number'
  step?: number
  placeholder?: string
}) {
  const id = useId()
  return (
    <span className="field">
      <label htmlFor={id}>
        {label}
        {unit != null && <span className="unit"> ({unit})</span>}
      </label>
      <input
        id={id}
        type={type}
        inputMode={type === 'number' ? 'decimal' : undefined}
        step={step}
        value={value}
        placeholder={placeholder}
        aria-describedby={hint != null ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint != null && (
        <span id={`${id}-hint`} className="muted field-hint">
          {hint}
        </span>
      )}
    </span>
  )
}

/** Reads a picked file's bytes; null when none was picked. */
export async function pickedFile(
  input: HTMLInputElement,
): Promise<{ name: string; bytes: Uint8Array } | null> {
  const file = input.files?.[0]
  if (file == null) return null
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
}
