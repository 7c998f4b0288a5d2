/**
 * A labelled form field: the label tied to its control, a unit after the label, and a hint below it tied
 * to the control where there is one. `Field` lays out any control (a select, a textarea, a file input);
 * `InputField` is the common case, a text or number input.
 */
import { useId, type ReactNode } from 'react'

/** What the control of a field carries to be tied to its label and hint: spread it onto the control. */
export interface FieldControl {
  id: string
  'aria-describedby'?: string
}

export function Field({
  label,
  unit,
  hint,
  wide,
  children,
}: {
  label: string
  unit?: string
  /** Shown below the control, and tied to it. */
  hint?: ReactNode
  /** The field takes a whole row of its group. */
  wide?: boolean
  /** The control (and what follows it), given the id and description it carries. */
  children(control: FieldControl): ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  return (
    <span className={wide === true ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>
        {label}
        {unit != null && <span className="unit"> ({unit})</span>}
      </label>
      {children(hint != null ? { id, 'aria-describedby': hintId } : { id })}
      {hint != null && (
        <span id={hintId} className="muted field-hint">
          {hint}
        </span>
      )}
    </span>
  )
}

export interface InputFieldProps {
  label: string
  unit?: string
  /** As typed; a number is kept as the caller holds it (so "1." typed in a number input stays). */
  value: string | number
  onChange(value: string): void
  hint?: string
  type?: 'text' | 'number'
  step?: number
  min?: number
  max?: number
  placeholder?: string
  testId?: string
}

/** A labelled text or number input, with an optional hint tied to it. */
export function InputField({
  label,
  unit,
  value,
  onChange,
  hint,
  type = 'text',
  step,
  min,
  max,
  placeholder,
  testId,
}: InputFieldProps) {
  return (
    <Field label={label} unit={unit} hint={hint}>
      {(control) => (
        <input
          id={control.id}
          type={type}
          inputMode={type === 'number' ? 'decimal' : undefined}
          step={step}
          min={min}
          max={max}
          value={value}
          placeholder={placeholder}
          aria-describedby={control['aria-describedby']}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  )
}
