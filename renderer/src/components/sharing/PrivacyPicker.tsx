/** The five privacy levels, each explained in one line: who can see it, who can use it, what it earns. */
import { PRIVACY_LEVEL_INFO, PRIVACY_LEVELS, type PrivacyLevel } from '../../../../shared/api'

const NAMES: Record<PrivacyLevel, string> = {
  Private: 'Private',
  PrivateNetwork: 'Private network',
  P2P: 'Trusted peers',
  PublicNetwork: 'Public network',
  FullPublic: 'Fully public',
}

export function PrivacyPicker({
  value,
  onChange,
  name,
}: {
  value: PrivacyLevel
  onChange(level: PrivacyLevel): void
  name: string
}) {
  return (
    <fieldset className="privacy-levels" data-testid="privacy-levels">
      <legend>Who can see and use it</legend>
      {PRIVACY_LEVELS.map((level) => {
        const info = PRIVACY_LEVEL_INFO[level]
        return (
          <label key={level} className={`privacy-level ${value === level ? 'is-chosen' : ''}`}>
            <input
              type="radio"
              name={name}
              value={level}
              checked={value === level}
              onChange={() => onChange(level)}
              data-testid={`privacy-${level}`}
            />
            <span>
              <strong>{NAMES[level]}</strong>
              <span className="privacy-line">
                Sees: {info.sees} Uses: {info.uses} Earns: {info.earns}
              </span>
            </span>
          </label>
        )
      })}
    </fieldset>
  )
}
