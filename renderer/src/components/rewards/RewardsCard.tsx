/**
 * The rewards view: what this node has earned per epoch and per resource, lifetime and current rate, what
 * is accruing in this epoch, and how its usage receipts fared on the ledger.
 */
import { formatCaesar, RESOURCE_KINDS, type RewardsStatus } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectRewards } from '../../store/selectors'
import { Card, EmptyState } from '../Card'
import { ErrorNotice } from '../Notice'
import { EarningsChart, RESOURCE_LABELS } from './EarningsChart'

/** Base units (a float estimate) as CAESAR with at most six decimals. */
export const caesarOf = (units: number): string => formatCaesar(String(Math.max(0, Math.round(units))))

export function RewardsCard() {
  const rewards = useHyperMesh(selectRewards)
  return (
    <Card
      title="Rewards"
      className="span-12"
      testId="rewards-card"
      aside={rewards?.enabled === true ? <EpochBadge rewards={rewards} /> : null}
    >
      {rewards == null ? (
        <EmptyState>Reading rewards…</EmptyState>
      ) : !rewards.enabled ? (
        <EmptyState testId="rewards-disabled">
          This network has no ledger, so nothing is paid. Create a new network or join one with a ledger to
          earn CAESAR.
        </EmptyState>
      ) : (
        <RewardsBody rewards={rewards} />
      )}
    </Card>
  )
}

function EpochBadge({ rewards }: { rewards: RewardsStatus }) {
  const minutes = (rewards.blocksLeftInEpoch * rewards.blockMs) / 60_000
  return (
    <span className="badge" title="Rewards are paid in the first block of each epoch">
      epoch {rewards.epoch} · paid in {minutes < 1 ? '< 1' : Math.round(minutes)} min
    </span>
  )
}

function RewardsBody({ rewards }: { rewards: RewardsStatus }) {
  const accruing = RESOURCE_KINDS.reduce((sum, kind) => sum + BigInt(rewards.accruing[kind]), 0n)
  const { pending, claimed, refused } = rewards.receipts
  return (
    <>
      <dl className="facts">
        <dt>Lifetime</dt>
        <dd data-testid="rewards-lifetime">{formatCaesar(rewards.lifetime)} CAESAR</dd>
        <dt>Current rate</dt>
        <dd data-testid="rewards-rate">{caesarOf(rewards.ratePerHour)} CAESAR / hour (last epoch)</dd>
        <dt>This epoch</dt>
        <dd data-testid="rewards-accruing">
          {formatCaesar(accruing.toString())} CAESAR accruing
          {accruing > 0n &&
            ` (${RESOURCE_KINDS.filter((k) => rewards.accruing[k] !== '0')
              .map((k) => `${RESOURCE_LABELS[k]} ${formatCaesar(rewards.accruing[k])}`)
              .join(', ')})`}
        </dd>
        <dt>Usage receipts</dt>
        <dd data-testid="rewards-receipts">
          {claimed} claimed · {pending} waiting · {refused} refused
        </dd>
      </dl>
      {rewards.lastRefusal != null && (
        <ErrorNotice headline="Last claim refused" role="status">
          {rewards.lastRefusal}
        </ErrorNotice>
      )}
      {rewards.history.length === 0 ? (
        <EmptyState testId="rewards-empty">
          No earnings yet. Share a resource, register it, and lease it: each epoch pays the use your lease
          holders sign for, times your privacy level’s multiplier.
        </EmptyState>
      ) : (
        <>
          <EarningsChart history={rewards.history} />
          <EarningsTable rewards={rewards} />
        </>
      )}
    </>
  )
}

function EarningsTable({ rewards }: { rewards: RewardsStatus }) {
  const totals = RESOURCE_KINDS.map((kind) =>
    rewards.history.reduce((sum, e) => sum + BigInt(e.byResource[kind]), 0n),
  )
  return (
    <table className="peers rewards-table" data-testid="rewards-by-resource">
      <caption className="muted">Earned per resource over the epochs shown</caption>
      <thead>
        <tr>
          {RESOURCE_KINDS.map((kind) => (
            <th key={kind} scope="col">
              {RESOURCE_LABELS[kind]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          {totals.map((total, i) => (
            <td key={RESOURCE_KINDS[i]}>{formatCaesar(total.toString())}</td>
          ))}
        </tr>
      </tbody>
    </table>
  )
}
