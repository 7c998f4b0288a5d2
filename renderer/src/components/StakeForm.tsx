/** Bond or unbond this node's CAESAR, and join or leave the validator set with it. */
import { useId, useState } from 'react'
import { formatCaesar } from '../../../shared/api'
import { useHyperMesh } from '../store/context'
import { selectActions, selectLastStake, selectStakeError, selectStaking } from '../store/selectors'
import type { StakeAction } from '../store/types'
import { ErrorNotice, SuccessNotice } from './Notice'

const DONE: Record<StakeAction, string> = {
  stake: 'Stake submitted: it is bonded once in a block.',
  unstake: 'Unstaking submitted: the amount is spendable after the bonding period.',
  join: 'Join submitted: once in a block, this node signs blocks as a validator.',
  leave: 'Leave submitted: once in a block, this node stops signing; its stake stays bonded.',
}

export function StakeForm({ isValidator, minStake }: { isValidator: boolean; minStake: string }) {
  const actions = useHyperMesh(selectActions)
  const busy = useHyperMesh(selectStaking)
  const error = useHyperMesh(selectStakeError)
  const done = useHyperMesh(selectLastStake)
  const [amount, setAmount] = useState('')
  const id = useId()
  const run = async (action: StakeAction): Promise<void> => {
    if ((await actions.stakeAction(action, amount)) && (action === 'stake' || action === 'unstake'))
      setAmount('')
  }
  return (
    <div className="stake-form" data-testid="stake-form">
      <label htmlFor={id}>Stake (CAESAR)</label>
      <div className="form-row">
        <input
          id={id}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          placeholder={`validators bond at least ${formatCaesar(minStake)}`}
          data-testid="stake-amount"
        />
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run('stake')}
          data-testid="stake-button"
        >
          Stake
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void run('unstake')}>
          Unstake
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(isValidator ? 'leave' : 'join')}
          data-testid="validator-button"
        >
          {isValidator ? 'Leave validators' : 'Join validators'}
        </button>
      </div>
      {error != null && (
        <ErrorNotice headline="Not submitted" testId="stake-error">
          {error.message}
        </ErrorNotice>
      )}
      {done != null && error == null && <SuccessNotice testId="stake-done">{DONE[done]}</SuccessNotice>}
    </div>
  )
}
