import { useRef } from 'react'
import { useHyperMesh } from '../store/context'
import { selectAreaError, selectCurrentNetwork, selectInvite } from '../store/selectors'
import { Card, EmptyState } from './Card'
import { CopyButton } from './CopyButton'

const selectInviteError = selectAreaError('invite')

/** This node's invite to its current network, to share with whoever should join. */
export function InviteCard() {
  const invite = useHyperMesh(selectInvite)
  const network = useHyperMesh(selectCurrentNetwork)
  const error = useHyperMesh(selectInviteError)
  const inviteRef = useRef<HTMLElement>(null)

  return (
    <Card title="Your invite" className="span-5" testId="invite-card">
      <p className="lead">
        Share this with someone so their node can join{' '}
        {network != null ? <strong>{network.name}</strong> : 'your network'}.
      </p>
      {invite == null ? (
        <EmptyState>{error ?? 'Preparing your invite…'}</EmptyState>
      ) : (
        <pre className="invite" tabIndex={0} aria-label="Invite text">
          <code ref={inviteRef} data-testid="invite-text">
            {invite}
          </code>
        </pre>
      )}
      <div className="form-row form-row-end">
        <CopyButton text={invite} target={inviteRef} label="Copy invite" what="invite" testId="copy-invite" />
      </div>
    </Card>
  )
}
