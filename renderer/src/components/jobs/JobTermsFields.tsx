/** The job form's terms: limits each run gets, how many providers must agree, and what it may cost. */
import { useId } from 'react'
import { PRIVACY_LEVELS, type PrivacyLevel } from '../../../../shared/api'
import { JobField } from './JobField'
import type { JobFields } from './job-form'

export const PRIVACY_NAMES: Record<PrivacyLevel, string> = {
  Private: 'Private (this node only)',
  PrivateNetwork: 'Private network',
  P2P: 'Trusted peers',
  PublicNetwork: 'Public network',
  FullPublic: 'Fully public',
}

export function JobTermsFields({
  fields,
  change,
}: {
  fields: JobFields
  change(patch: Partial<JobFields>): void
}) {
  const privacyId = useId()
  const unverified = fields.redundancy.trim() === '1'
  return (
    <fieldset className="job-fields">
      <legend>Limits and terms</legend>
      <JobField
        label="Cores"
        type="number"
        step={0.05}
        value={fields.cores}
        onChange={(cores) => change({ cores })}
        hint="a share of a core: 0.5 is half of one"
      />
      <JobField
        label="Memory"
        unit="MiB"
        type="number"
        value={fields.memoryMiB}
        onChange={(memoryMiB) => change({ memoryMiB })}
      />
      <JobField
        label="Wall time"
        unit="seconds"
        type="number"
        value={fields.wallSeconds}
        onChange={(wallSeconds) => change({ wallSeconds })}
      />
      <JobField
        label="Output"
        unit="KiB"
        type="number"
        value={fields.outputKiB}
        onChange={(outputKiB) => change({ outputKiB })}
      />
      <JobField
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
      <JobField
        label="Budget"
        unit="CAESAR"
        value={fields.budget}
        onChange={(budget) => change({ budget })}
        placeholder="the worst case"
        hint="held in escrow while the job runs; what is not paid comes back"
      />
      <JobField
        label="Max price per core-hour"
        unit="CAESAR"
        value={fields.maxPrice}
        onChange={(maxPrice) => change({ maxPrice })}
      />
      <span className="field">
        <label htmlFor={privacyId}>Privacy</label>
        <select
          id={privacyId}
          value={fields.privacy}
          aria-describedby={`${privacyId}-hint`}
          onChange={(e) => change({ privacy: e.target.value as PrivacyLevel })}
        >
          {PRIVACY_LEVELS.map((level) => (
            <option key={level} value={level}>
              {PRIVACY_NAMES[level]}
            </option>
          ))}
        </select>
        <span id={`${privacyId}-hint`} className="muted field-hint">
          which providers may take it: those sharing at this level or a stricter one (fully public: any)
        </span>
      </span>
    </fieldset>
  )
}
