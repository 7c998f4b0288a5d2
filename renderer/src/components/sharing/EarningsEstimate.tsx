/**
 * What the terms being edited would earn, before they are applied: the offer on this machine times the
 * reward rate and the privacy level's multiplier, if fully leased, beside the same for the applied terms.
 */
import {
  estimatePerHour,
  offerUnder,
  RESOURCE_UNIT_NAMES,
  type ResourceKind,
  type SharingSettings,
} from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectHardware, selectRewards } from '../../store/selectors'
import { caesarOf } from '../rewards/RewardsCard'

export function EarningsEstimate({
  kind,
  draft,
  applied,
}: {
  kind: ResourceKind
  draft: SharingSettings
  applied: SharingSettings
}) {
  const rewards = useHyperMesh(selectRewards)
  const hardware = useHyperMesh(selectHardware)
  if (rewards == null || !rewards.enabled || hardware == null) return null
  const perDay = (settings: SharingSettings): number =>
    24 * estimatePerHour(kind, offerUnder(kind, settings, hardware), settings.privacy, rewards.schedule)
  const next = perDay(draft)
  const now = perDay(applied)
  const rate = rewards.schedule.ratePerUnitHour[kind]
  return (
    <p className="estimate" data-testid="earnings-estimate">
      <strong>Estimate:</strong> up to <span data-testid="estimate-value">{caesarOf(next)}</span> CAESAR a day
      if fully leased
      {next !== now && <> (now {caesarOf(now)})</>}
      <span className="muted">
        {' '}
        · {caesarOf(Number(rate))} CAESAR per {RESOURCE_UNIT_NAMES[kind]} × {draft.privacy} multiplier{' '}
        {rewards.schedule.multiplierPpm[draft.privacy] / 1e6}
      </span>
    </p>
  )
}
