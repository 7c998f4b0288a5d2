/** Small labelled inputs for the sharing terms: a number (or empty for "no limit"), and a checkbox. */
import { InputField, type InputFieldProps } from '../Field'

const GiB = 1024 ** 3

interface NumberFieldProps extends Omit<InputFieldProps, 'value' | 'onChange' | 'type' | 'hint'> {
  value: number | null
  onChange(value: number | null): void
  /** Empty means no limit: the placeholder says so unless another is given. */
  optional?: boolean
}

export function NumberField({ value, onChange, placeholder, optional, ...rest }: NumberFieldProps) {
  return (
    <InputField
      {...rest}
      type="number"
      value={value ?? ''}
      placeholder={placeholder ?? (optional === true ? 'no limit' : undefined)}
      onChange={(text) => onChange(text === '' ? null : Number(text))}
    />
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
