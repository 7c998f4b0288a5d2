/**
 * Leases by hand: sign one for a peer on this node's shared memory or storage (the lease text is then
 * given to that peer), and use one issued to this node, to see that it works.
 */
import { useId, useState, type FormEvent } from 'react'
import type { IssuedLease, LeaseProbeResult } from '../../../../shared/api'
import { useHyperMesh } from '../../store/context'
import { selectActions } from '../../store/selectors'
import { Card } from '../Card'
import { CopyButton } from '../CopyButton'

const MiB = 1024 * 1024

export function LeasesCard() {
  return (
    <Card title="Leases" className="span-12" testId="leases-card">
      <IssueLeaseForm />
      <UseLeaseForm />
    </Card>
  )
}

function IssueLeaseForm() {
  const actions = useHyperMesh(selectActions)
  const [holder, setHolder] = useState('')
  const [resource, setResource] = useState<'memory' | 'storage'>('memory')
  const [mib, setMib] = useState('64')
  const [minutes, setMinutes] = useState('60')
  const [issued, setIssued] = useState<IssuedLease | null>(null)
  const [error, setError] = useState<string | null>(null)
  const ids = { holder: useId(), mib: useId(), minutes: useId() }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setError(null)
    setIssued(null)
    const outcome = await actions.issueLease({
      holder: holder.trim(),
      resource,
      amountBytes: Math.round(Number(mib) * MiB),
      minutes: Math.round(Number(minutes)),
    })
    if (outcome.ok) setIssued(outcome.value)
    else setError(outcome.message)
  }
  return (
    <form className="lease-form" onSubmit={(e) => void submit(e)} data-testid="issue-lease-form">
      <h3 className="subhead">Lease this node’s {resource} to a peer</h3>
      <div className="form-row">
        <span className="field">
          <label htmlFor={ids.holder}>Peer id</label>
          <input
            id={ids.holder}
            className="mono"
            value={holder}
            onChange={(e) => setHolder(e.target.value)}
            spellCheck={false}
            data-testid="lease-holder"
          />
        </span>
        <span className="field">
          <label>Resource</label>
          <select
            value={resource}
            onChange={(e) => setResource(e.target.value as 'memory' | 'storage')}
            data-testid="lease-resource"
          >
            <option value="memory">memory</option>
            <option value="storage">storage</option>
          </select>
        </span>
        <span className="field">
          <label htmlFor={ids.mib}>MiB</label>
          <input id={ids.mib} type="number" min={1} value={mib} onChange={(e) => setMib(e.target.value)} />
        </span>
        <span className="field">
          <label htmlFor={ids.minutes}>Minutes</label>
          <input
            id={ids.minutes}
            type="number"
            min={1}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </span>
        <button type="submit" className="button button-primary" data-testid="issue-lease">
          Sign lease
        </button>
      </div>
      {error != null && (
        <div className="notice notice-error" role="alert" data-testid="lease-error">
          <strong>No lease:</strong> {error}
        </div>
      )}
      {issued != null && (
        <div className="notice notice-success" role="status">
          Signed with this node’s FALCON-1024 key; valid until {new Date(issued.expiresAt).toLocaleString()}.
          Give this text to the peer: <CopyButton text={issued.lease} what="lease" compact />
          <textarea
            className="mono lease-text"
            readOnly
            rows={3}
            value={issued.lease}
            data-testid="lease-text"
          />
        </div>
      )}
    </form>
  )
}

function UseLeaseForm() {
  const actions = useHyperMesh(selectActions)
  const [lease, setLease] = useState('')
  const [address, setAddress] = useState('')
  const [result, setResult] = useState<LeaseProbeResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    setResult(null)
    const outcome = await actions.probeLease({ lease: lease.trim(), address: address.trim() || undefined })
    setBusy(false)
    if (outcome.ok) setResult(outcome.value)
    else setError(outcome.message)
  }
  return (
    <form className="lease-form" onSubmit={(e) => void submit(e)} data-testid="use-lease-form">
      <h3 className="subhead">Try a lease issued to this node</h3>
      <textarea
        className="mono lease-text"
        rows={3}
        value={lease}
        onChange={(e) => setLease(e.target.value)}
        placeholder="the lease text its owner gave you"
        data-testid="probe-lease"
      />
      <div className="form-row">
        <input
          className="mono"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          placeholder="the owner’s address, if not connected (optional)"
          data-testid="probe-address"
        />
        <button
          type="submit"
          className="button"
          disabled={busy || lease.trim() === ''}
          data-testid="probe-button"
        >
          {busy ? 'Trying…' : 'Try it'}
        </button>
      </div>
      {error != null && (
        <div className="notice notice-error" role="alert" data-testid="probe-error">
          <strong>Did not work:</strong> {error}
        </div>
      )}
      {result != null && (
        <div className="notice notice-success" role="status" data-testid="probe-ok">
          Works: wrote and read back {result.bytes / 1024} KiB of the owner’s {result.resource} in{' '}
          {result.ms.toFixed(0)} ms.
        </div>
      )}
    </form>
  )
}
