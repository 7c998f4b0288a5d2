/** Small labelled inputs for the sharing terms: a number (or empty for "no limit"), and a checkbox. */
import { useId } from 'react'

const GiB = 1024 ** 3

interface NumberFieldProps {
  label: string
  value: number | null
  onChange(value: number | null): void
  /** Shown when empty; empty means no limit where `optional`. */
  placeholder?: string
  optional?: boolean
  step?: number
  min?: number
  max?: number
  unit?: string
  testId?: string
}

export function NumberField({
  label,
  value,
  onChange,
  placeholder,
  optional,
  step,
  min,
  max,
  unit,
  testId,
}: NumberFieldProps) {
  const id = useId()
  return (
    <span className="field">
      <label htmlFor={id}>
        {label}
        {unit != null && <span className="unit"> ({unit})</span>}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={value ?? ''}
        step={step}
        min={min}
        max={max}
        placeholder={placeholder ?? (optional === true ? 'no limit' : undefined)}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        data-testid={testId}
      />
    </span>
  )
}

/** A size edited in GiB and kept in bytes. */
export function GiBField(props: Omit<NumberFieldProps, 'unit' | 'step'>) {
  return (
    <NumberField
      {...props}
      unit="GiB"
      step={0.5}
      value={props.value == null ? null : Math.round((props.value / GiB) * 100) / 100}
      onChange={(gib) => props.onChange(gib == null ? null : Math.round(gib * GiB))}
    />
  )
}

export function Toggle({
  label,
  checked,
  onChange,
  testId,
}: {
  label: string
  checked: boolean
  onChange(checked: boolean): void
  testId?: string
}) {
  return (
    <label className="toggle">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      {label}
    </label>
  )
}
