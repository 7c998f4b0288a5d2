/** The job form's terms: limits each run gets, how many providers must agree, and what it may cost. */
import { PRIVACY_LEVELS, type PrivacyLevel } from '../../../../shared/api'
import { Field, InputField } from '../Field'
import type { JobFields } from './job-form'

export const PRIVACY_NAMES: Record<PrivacyLevel, string> = {
  Private: 'Private (this node only)',
  PrivateNetwork: 'Private network',
  P2P: 'Trusted peers',
  PublicNetwork: 'Public network',
  FullPublic: 'Fully public',
}

/** The limits each run gets that are a plain number in a unit: the form's field, its label and unit. */
const LIMITS = [
  { key: 'memoryMiB', label: 'Memory', unit: 'MiB' },
  { key: 'wallSeconds', label: 'Wall time', unit: 'seconds' },
  { key: 'outputKiB', label: 'Output', unit: 'KiB' },
] as const satisfies readonly { key: keyof JobFields; label: string; unit: string }[]

export function JobTermsFields({
  fields,
  change,
}: {
  fields: JobFields
  change(patch: Partial<JobFields>): void
}) {
  const unverified = fields.redundancy.trim() === '1'
  return (
    <fieldset className="job-fields">
      <legend>Limits and terms</legend>
      <InputField
        label="Cores"
        type="number"
        step={0.05}
        value={fields.cores}
        onChange={(cores) => change({ cores })}
        hint="a share of a core: 0.5 is half of one"
      />
      {LIMITS.map(({ key, label, unit }) => (
        <InputField
          key={key}
          label={label}
          unit={unit}
          type="number"
          value={fields[key]}
          onChange={(value) => change({ [key]: value })}
        />
      ))}
      <InputField
        label="Providers that must agree"
        type="number"
        value={fields.redundancy}
        onChange={(redundancy) => change({ redundancy })}
        hint={
          unverified
            ? 'unverified: one provider’s output is taken as it is'
            : 'each runs the job; their outputs must match'
        }
      />
      <InputField
        label="Budget"
        unit="CAESAR"
        value={fields.budget}
        onChange={(budget) => change({ budget })}
        placeholder="the worst case"
        hint="held in escrow while the job runs; what is not paid comes back"
      />
      <InputField
        label="Max price per core-hour"
        unit="CAESAR"
        value={fields.maxPrice}
        onChange={(maxPrice) => change({ maxPrice })}
      />
      <Field
        label="Privacy"
        hint="which providers may take it: those sharing at this level or a stricter one (fully public: any)"
      >
        {(control) => (
          <select
            {...control}
            value={fields.privacy}
            onChange={(e) => change({ privacy: e.target.value as PrivacyLevel })}
          >
            {PRIVACY_LEVELS.map((level) => (
              <option key={level} value={level}>
                {PRIVACY_NAMES[level]}
              </option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  )
}
