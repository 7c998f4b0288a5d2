import { useId, useState, type FormEvent, type KeyboardEvent } from 'react'
import { joinErrorHeadline } from '../lib/errors'
import { useHyperMesh } from '../store/context'
import {
  selectActions,
  selectCurrentNetwork,
  selectJoinError,
  selectJoining,
  selectJoinSuccess,
  selectLeaving,
  selectNetworkBusy,
} from '../store/selectors'
import { Card } from './Card'
import { LanOffers } from './LanOffers'
import { ErrorNotice, SuccessNotice } from './Notice'

/** Join a network by invite (HyperMesh nodes on the LAN are listed as whom to ask), or leave back to the own devnet. */
export function JoinCard() {
  const actions = useHyperMesh(selectActions)
  const network = useHyperMesh(selectCurrentNetwork)
  const joining = useHyperMesh(selectJoining)
  const leaving = useHyperMesh(selectLeaving)
  const busy = useHyperMesh(selectNetworkBusy)
  const error = useHyperMesh(selectJoinError)
  const success = useHyperMesh(selectJoinSuccess)
  const [invite, setInvite] = useState('')
  const inputId = useId()
  const hintId = useId()

  const canJoin = invite.trim() !== '' && !busy

  const submit = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault()
    if (!canJoin) return
    if (await actions.join(invite)) setInvite('')
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit()
  }

  return (
    <Card title="Join a network" className="span-5" testId="join-card">
      {network != null && !network.isOwnDevnet && (
        <div className="leave-row">
          <p>
            You are on <strong>{network.name}</strong>. Leaving takes this node back to its own devnet.
          </p>
          <button
            type="button"
            className="button button-danger"
            onClick={() => void actions.leave()}
            disabled={busy}
            data-testid="leave-button"
          >
            {leaving ? 'Leaving…' : 'Leave network'}
          </button>
        </div>
      )}

      <form className="join-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={inputId}>Invite</label>
        <textarea
          id={inputId}
          className="mono"
          rows={3}
          value={invite}
          onChange={(event) => setInvite(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Paste an invite from another HyperMesh node"
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hintId}
          data-testid="join-input"
        />
        <div className="form-row">
          <span id={hintId} className="hint">
            Ask someone on the network for their invite: it lets you in for 7 days. Ctrl+Enter joins.
          </span>
          <button
            type="submit"
            className="button button-primary"
            disabled={!canJoin}
            data-testid="join-button"
          >
            {joining ? 'Joining…' : 'Join'}
          </button>
        </div>
      </form>

      {error != null && (
        <ErrorNotice headline={joinErrorHeadline(error.code)} testId="join-error">
          {error.message}
        </ErrorNotice>
      )}
      {success != null && (
        <SuccessNotice testId="join-success">
          Joined <strong>{success.name}</strong>. This node is now part of that network.
        </SuccessNotice>
      )}

      <LanOffers />
    </Card>
  )
}
